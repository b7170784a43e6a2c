//! Settings (per shop), users (per group, with a home shop and the shops
//! they may work in) and the role table's answer.

use super::audit::append as audit;
use crate::domain::audit::AuditEvent;
use crate::domain::lifecycle;
use crate::domain::roles::{require, Permission};
use crate::domain::{NewUser, Role, Settings, User};
use crate::store::{Actor, StoreError, StoreResult};
use postgres::{GenericClient, Row};

pub fn settings(c: &mut impl GenericClient) -> StoreResult<Settings> {
    let rows = c.query(
        "SELECT key, value FROM settings WHERE shop_id = frontdesk_shop()",
        &[],
    )?;
    Ok(crate::store::sqlite::admin::settings_from(
        rows.iter().map(|r| (r.get(0), r.get(1))).collect(),
    ))
}

fn user_from_row(r: &Row) -> User {
    let role: String = r.get(3);
    User {
        id: r.get(0),
        login: r.get(1),
        name: r.get(2),
        role: Role::from_code(&role).unwrap_or(Role::Advisor),
    }
}

pub fn user_by_login(c: &mut impl GenericClient, login: &str) -> StoreResult<Option<User>> {
    Ok(c.query_opt(
        "SELECT id, login, name, role FROM users WHERE login = $1 AND active = 1",
        &[&login],
    )?
    .as_ref()
    .map(user_from_row))
}

/// The users who may work in this shop.
pub fn users(c: &mut impl GenericClient) -> StoreResult<Vec<User>> {
    Ok(c
        .query(
            "SELECT id, login, name, role FROM users u WHERE active = 1
               AND (home_shop_id = frontdesk_shop()
                    OR EXISTS (SELECT 1 FROM user_shops s WHERE s.user_id = u.id AND s.shop_id = frontdesk_shop()))
             ORDER BY login",
            &[],
        )?
        .iter()
        .map(user_from_row)
        .collect())
}

pub fn role_of(c: &mut impl GenericClient, by: Actor<'_>) -> StoreResult<Option<Role>> {
    let Some(id) = by.user_id else {
        return Ok(None);
    };
    let code: Option<String> = c
        .query_opt(
            "SELECT role FROM users WHERE id = $1 AND active = 1",
            &[&id],
        )?
        .map(|r| r.get(0));
    Ok(code.and_then(|c| Role::from_code(&c)))
}

/// The role table's answer, read in the caller's transaction.
pub fn permit(c: &mut impl GenericClient, by: Actor<'_>, p: Permission) -> StoreResult<()> {
    let role = role_of(c, by)?;
    require(role, p).map_err(|f| StoreError::from(lifecycle::Refusal::NotAllowed(f)))
}

/// A new person: a group user at this shop, and (when the connected role
/// may create roles) their own database role, a member of frontdesk_staff.
pub fn add_user(tx: &mut impl GenericClient, user: &NewUser, by: Actor<'_>) -> StoreResult<User> {
    let anyone: i64 = tx.query_one("SELECT count(*) FROM users", &[])?.get(0);
    if anyone > 0 {
        permit(tx, by, Permission::ManageUsers)?;
    }
    let taken = user_by_login(tx, &user.login)?.is_some();
    user.check(taken).map_err(StoreError::Invalid)?;
    let id: i64 = tx
        .query_one(
            "INSERT INTO users (login, name, role, created_at, home_shop_id)
             VALUES ($1, $2, $3, $4, frontdesk_shop()) RETURNING id",
            &[&user.login, &user.name, &user.role.code(), &by.at],
        )?
        .get(0);
    ensure_role(tx, &user.login)?;
    let event = AuditEvent::UserCreated {
        login: user.login.clone(),
        role: user.role.code(),
    };
    audit(tx, by, id, &event)?;
    Ok(User {
        id,
        login: user.login.clone(),
        name: user.name.clone(),
        role: user.role,
    })
}

/// The person's database role. Logins are checked by `NewUser::check`
/// (lower-case letters, digits, `.`, `_`, `-`), and quoted here as well.
pub fn ensure_role(tx: &mut impl GenericClient, login: &str) -> StoreResult<()> {
    let exists: bool = tx
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)",
            &[&login],
        )?
        .get(0);
    let quoted = format!("\"{}\"", login.replace('"', "\"\""));
    if !exists {
        tx.batch_execute(&format!("CREATE ROLE {quoted} LOGIN"))?;
    }
    tx.batch_execute(&format!("GRANT frontdesk_staff TO {quoted}"))?;
    Ok(())
}

pub fn set_setting(
    tx: &mut impl GenericClient,
    key: &str,
    value: &str,
    by: Actor<'_>,
) -> StoreResult<()> {
    permit(tx, by, Permission::ChangeSettings)?;
    let from: Option<String> = tx
        .query_opt(
            "SELECT value FROM settings WHERE shop_id = frontdesk_shop() AND key = $1 FOR UPDATE",
            &[&key],
        )?
        .map(|r| r.get(0));
    tx.execute(
        "INSERT INTO settings (key, value) VALUES ($1, $2)
         ON CONFLICT (shop_id, key) DO UPDATE SET value = excluded.value",
        &[&key, &value],
    )?;
    let event = AuditEvent::SettingChanged {
        key: key.to_string(),
        from: from.unwrap_or_default(),
        to: value.to_string(),
    };
    audit(tx, by, 0, &event)
}

pub fn canned_jobs(c: &mut impl GenericClient) -> StoreResult<Vec<crate::store::CannedJob>> {
    Ok(c.query(
        "SELECT op_code, description, hours_milli, category FROM canned_jobs
             WHERE shop_id = frontdesk_shop() ORDER BY op_code",
        &[],
    )?
    .iter()
    .map(|r| crate::store::CannedJob {
        op_code: r.get(0),
        description: r.get(1),
        hours_milli: r.get(2),
        category: r.get(3),
    })
    .collect())
}

/// What the server can tell about the data: the audit chain is checked
/// separately; here, rows whose shop the connection cannot see are not
/// counted, and foreign keys are enforced by the server itself.
pub fn integrity_check(c: &mut impl GenericClient) -> StoreResult<Vec<String>> {
    let orphans: i64 = c
        .query_one(
            "SELECT count(*) FROM repair_orders ro WHERE NOT EXISTS (SELECT 1 FROM ro_counter k WHERE k.shop_id = ro.shop_id)",
            &[],
        )?
        .get(0);
    Ok(if orphans > 0 {
        vec![format!(
            "{orphans} ROs belong to a shop without an RO counter"
        )]
    } else {
        Vec::new()
    })
}

/// One of this shop's active users: a manager changes the people of the
/// shop they work in, not another shop's.
fn shop_user(c: &mut impl GenericClient, login: &str) -> StoreResult<User> {
    users(c)?
        .into_iter()
        .find(|u| u.login == login)
        .ok_or_else(|| StoreError::Invalid(format!("no active user {login} in this shop")))
}

/// The shop keeps at least one active manager: nobody can lock it out.
fn keeps_a_manager(c: &mut impl GenericClient, leaving: &User) -> StoreResult<()> {
    let others = users(c)?
        .iter()
        .filter(|u| u.role == Role::Manager && u.id != leaving.id)
        .count();
    if leaving.role == Role::Manager && others == 0 {
        return Err(StoreError::Invalid(format!(
            "{} is the last manager; make someone else manager first",
            leaving.login
        )));
    }
    Ok(())
}

pub fn set_role(
    tx: &mut impl GenericClient,
    login: &str,
    role: Role,
    by: Actor<'_>,
) -> StoreResult<()> {
    permit(tx, by, Permission::ManageUsers)?;
    let user = shop_user(tx, login)?;
    if user.role == role {
        return Ok(());
    }
    if role != Role::Manager {
        keeps_a_manager(tx, &user)?;
    }
    tx.execute(
        "UPDATE users SET role = $2 WHERE id = $1",
        &[&user.id, &role.code()],
    )?;
    let event = AuditEvent::UserRoleChanged {
        login: user.login,
        from: user.role.code(),
        to: role.code(),
    };
    audit(tx, by, user.id, &event)
}

/// A disabled user keeps their database role, but row security then shows
/// them no shop at all (it reads `active`), so they can neither read nor
/// write; the administrator may drop the role as well.
pub fn disable(tx: &mut impl GenericClient, login: &str, by: Actor<'_>) -> StoreResult<()> {
    permit(tx, by, Permission::ManageUsers)?;
    let user = shop_user(tx, login)?;
    keeps_a_manager(tx, &user)?;
    tx.execute("UPDATE users SET active = 0 WHERE id = $1", &[&user.id])?;
    let event = AuditEvent::UserDisabled { login: user.login };
    audit(tx, by, user.id, &event)
}
