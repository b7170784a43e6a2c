//! What the operating system says, where it matters for trust: who is at
//! the keyboard. The answer is the login of the real uid, from the password
//! database. `$USER` and `$LOGNAME` are never consulted: any process can set
//! them, so they would let anyone act as the manager.

use std::ffi::CStr;

/// The login of the real uid. A uid with no entry in the password database
/// (a container's arbitrary uid, say) is named `uid1234`, which is not a
/// registered user, so it can only watch.
pub fn real_login() -> String {
    // SAFETY: getuid cannot fail.
    let uid = unsafe { libc::getuid() };
    login_of(uid).unwrap_or_else(|| format!("uid{uid}"))
}

/// The login of `uid` in the password database.
pub fn login_of(uid: libc::uid_t) -> Option<String> {
    let mut buf = vec![0 as libc::c_char; 16 * 1024];
    // SAFETY: a zeroed passwd is a valid out-parameter; getpwuid_r fills it
    // with pointers into `buf`, which outlives every use below.
    let mut pwd: libc::passwd = unsafe { std::mem::zeroed() };
    let mut found: *mut libc::passwd = std::ptr::null_mut();
    let rc = unsafe { libc::getpwuid_r(uid, &mut pwd, buf.as_mut_ptr(), buf.len(), &mut found) };
    if rc != 0 || found.is_null() || pwd.pw_name.is_null() {
        return None;
    }
    // SAFETY: pw_name points to a NUL-terminated string inside `buf`.
    let name = unsafe { CStr::from_ptr(pwd.pw_name) };
    Some(name.to_string_lossy().into_owned())
}
