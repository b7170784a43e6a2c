//! A throwaway PostgreSQL cluster for one test: `initdb` in a temporary
//! folder, listening only on a Unix socket there, stopped (by `pg_ctl
//! stop`, then by its pid) when dropped. PostgreSQL refuses to run as root,
//! so as root the cluster belongs to the `postgres` OS user.

use std::path::{Path, PathBuf};
use std::process::Command;

pub const ADMIN: &str = "frontdesk_admin";

pub struct Cluster {
    _dir: tempfile::TempDir,
    pub root: PathBuf,
}

fn bin(name: &str) -> PathBuf {
    let on_path = std::env::var_os("PATH")
        .map(|p| {
            std::env::split_paths(&p)
                .map(|d| d.join(name))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    let debian = std::fs::read_dir("/usr/lib/postgresql")
        .map(|d| {
            d.flatten()
                .map(|e| e.path().join("bin").join(name))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    on_path
        .into_iter()
        .chain(debian)
        .find(|p| p.exists())
        .unwrap_or_else(|| {
            panic!("{name} not found: the PostgreSQL tests need the server installed (.ci/run installs it)")
        })
}

fn as_owner(program: &Path) -> Command {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    }
}

impl Cluster {
    pub fn start() -> Cluster {
        let dir = tempfile::Builder::new().prefix("fdpg").tempdir().unwrap();
        let root = dir.path().to_path_buf();
        // SAFETY: geteuid has no preconditions.
        if unsafe { libc::geteuid() } == 0 {
            let status = Command::new("chown")
                .args(["postgres:postgres"])
                .arg(&root)
                .status()
                .unwrap();
            assert!(status.success(), "chown the cluster's folder");
        }
        let data = root.join("data");
        let out = as_owner(&bin("initdb"))
            .arg("-D")
            .arg(&data)
            .args([
                "-U",
                ADMIN,
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "initdb: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let opts = format!(
            "-k {} -c listen_addresses='' -c fsync=off -c max_connections=60",
            root.display()
        );
        let out = as_owner(&bin("pg_ctl"))
            .arg("-D")
            .arg(&data)
            .args(["-o", &opts, "-l"])
            .arg(root.join("log"))
            .args(["-w", "start"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "pg_ctl start: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Cluster { _dir: dir, root }
    }

    /// A key=value connection string to database `db` as `user`.
    pub fn conninfo(&self, db: &str, user: &str) -> String {
        format!("host={} user={user} dbname={db}", self.root.display())
    }

    pub fn admin(&self, db: &str) -> postgres::Client {
        postgres::Client::connect(&self.conninfo(db, ADMIN), postgres::NoTls).unwrap()
    }

    pub fn create_db(&self, name: &str) -> String {
        self.admin("postgres")
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap();
        self.conninfo(name, ADMIN)
    }

    fn postmaster_pid(&self) -> Option<i32> {
        let text = std::fs::read_to_string(self.root.join("data/postmaster.pid")).ok()?;
        text.lines().next()?.trim().parse().ok()
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let pid = self.postmaster_pid();
        let _ = as_owner(&bin("pg_ctl"))
            .arg("-D")
            .arg(self.root.join("data"))
            .args(["-m", "immediate", "-w", "stop"])
            .output();
        if let Some(pid) = pid {
            // SAFETY: signalling the postmaster this test started.
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
    }
}
