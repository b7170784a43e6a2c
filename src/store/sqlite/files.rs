//! The files of one shop: the database, the ones SQLite keeps beside it
//! (`-wal`, `-shm`, `-journal`) and the drafts file with its own. What they
//! are, who may read them (customers' phones are personal data), and which
//! paths an output must never overwrite.

use super::drafts_path;
use crate::store::{StoreError, StoreResult};
use std::path::{Path, PathBuf};

/// A shop's files are read and written by the shop's group, nobody else.
pub const SHOP_MODE: u32 = 0o660;

/// Every file that belongs to the shop at `path`, present or not.
pub fn companions(path: &Path) -> Vec<PathBuf> {
    let drafts = drafts_path(path);
    let mut files = vec![path.to_path_buf(), drafts.clone()];
    for base in [path, drafts.as_path()] {
        for suffix in ["-wal", "-shm", "-journal"] {
            files.push(PathBuf::from(format!("{}{suffix}", base.display())));
        }
    }
    files
}

/// Removes the shop file and everything kept beside it.
pub fn remove_files(path: &Path) -> StoreResult<()> {
    for file in companions(path).iter().filter(|f| f.exists()) {
        std::fs::remove_file(file)
            .map_err(|e| StoreError::Open(format!("cannot remove {}: {e}", file.display())))?;
    }
    Ok(())
}

/// Gives a new shop file its mode, whatever the umask took away.
pub fn restrict(path: &Path) -> StoreResult<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(SHOP_MODE))
        .map_err(|e| StoreError::Open(format!("cannot set the mode of {}: {e}", path.display())))
}

/// Whether `candidate` is the shop at `shop` or one of its files (by the
/// file itself, not its spelling: a symlink or `./` does not fool it).
pub fn is_part_of(shop: &Path, candidate: &Path) -> bool {
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        // Not there yet: compare where it would be.
        _ => absolute(a) == absolute(b),
    };
    companions(shop).iter().any(|f| same(f, candidate))
}

fn absolute(p: &Path) -> PathBuf {
    let parent = p
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let dir = parent
        .canonicalize()
        .unwrap_or_else(|_| parent.to_path_buf());
    dir.join(p.file_name().unwrap_or_default())
}

/// Warnings for a shop others can read: the file (or its companions) or
/// the directory open to "others".
pub fn exposure(path: &Path) -> Vec<String> {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| {
        std::fs::metadata(p)
            .ok()
            .map(|m| m.permissions().mode() & 0o777)
    };
    let mut out = Vec::new();
    for file in companions(path) {
        if let Some(m) = mode(&file).filter(|m| m & 0o007 != 0) {
            out.push(format!(
                "warning: {} is open to others (mode {m:04o}); it holds customers' personal data: chmod 660 it",
                file.display()
            ));
        }
    }
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if let Some(m) = mode(dir).filter(|m| m & 0o007 != 0) {
        out.push(format!(
            "warning: directory {} is open to others (mode {m:04o}); give it to the shop's group with mode 770 (see the README)",
            dir.display()
        ));
    }
    out
}
