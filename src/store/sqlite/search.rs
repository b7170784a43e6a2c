//! Search from anywhere, on the trigram index of migration 006. Every path
//! is an index lookup bounded by a LIMIT: the substring index for three
//! characters or more, a B-tree prefix range for less, and the RO number's
//! unique index. Nothing scans a table, and nothing sorts in SQL; the few
//! rows found are ranked here.

use super::text::text;
use crate::domain::draft::SearchHit;
use crate::domain::search::Needle;
use crate::store::{Found, StoreResult};
use rusqlite::{params, Connection, OptionalExtension};

/// How many index rows one keystroke may read, whatever the query.
const READ_AT_MOST: i64 = 60;

/// How many of the indexed matches are looked up in full: a little more
/// than the search layer shows.
const LOOK_UP: usize = 16;

/// How well an index row matches: a car's body is "PLATE VIN", a
/// customer's "name phone phone2" (the phones as digits).
fn rank_body(n: &Needle, rowid: i64, body: &str) -> u8 {
    if rowid % 2 == 1 {
        let (plate, vin) = body.split_once(' ').unwrap_or((body, ""));
        n.rank(plate, vin, "", "")
    } else {
        let mut parts = body.rsplitn(3, ' ');
        let (_phone2, phone) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
        n.rank("", "", parts.next().unwrap_or(""), phone)
    }
}

/// Above every character: `x >= p AND x < p || TOP` is "starts with p".
const TOP: char = '\u{10FFFF}';

/// What the indexes found, before it is shaped into rows.
#[derive(Default)]
struct Candidates {
    customers: Vec<i64>,
    vehicles: Vec<i64>,
    ros: Vec<(i64, String, i64)>,
}

fn push_new(v: &mut Vec<i64>, id: i64) {
    if !v.contains(&id) {
        v.push(id);
    }
}

fn candidates(conn: &Connection, n: &Needle) -> StoreResult<Candidates> {
    let mut c = Candidates::default();
    if let Some(number) = n.ro_number() {
        let mut stmt = conn.prepare_cached(
            "SELECT id, number, vehicle_id FROM repair_orders
             WHERE number >= ?1 AND number < ?1 || ?2 LIMIT 8",
        )?;
        let rows = stmt.query_map(params![number, TOP.to_string()], |r| {
            Ok((r.get(0)?, text(r, 1)?, r.get(2)?))
        })?;
        c.ros = rows.collect::<Result<_, _>>()?;
    }
    if let Some(expr) = n.fts() {
        let mut stmt = conn.prepare_cached(
            "SELECT rowid, body FROM search_index WHERE search_index MATCH ?1 LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![expr, READ_AT_MOST], |r| {
            Ok((r.get::<_, i64>(0)?, text(r, 1)?))
        })?;
        // Ranked on the indexed text itself, so only the best few are
        // looked up in the tables (each lookup is a few random reads).
        let mut found: Vec<(u8, i64)> = Vec::new();
        for row in rows {
            let (rowid, body) = row?;
            found.push((rank_body(n, rowid, &body), rowid));
        }
        found.sort_by_key(|f| f.0);
        for (_, rowid) in found.into_iter().take(LOOK_UP) {
            match rowid % 2 {
                0 => push_new(&mut c.customers, rowid / 2),
                _ => push_new(&mut c.vehicles, rowid / 2),
            }
        }
    }
    if let Some((name, plate)) = n.prefix() {
        by_prefix(conn, &name, &plate, &mut c)?;
    }
    Ok(c)
}

/// One or two characters: names and plates that start with them. Names
/// are stored as typed, so a Latin prefix is tried as typed and capitalised.
fn by_prefix(conn: &Connection, name: &str, plate: &str, c: &mut Candidates) -> StoreResult<()> {
    let top = TOP.to_string();
    let mut capital = name.chars();
    let capital: String = capital
        .next()
        .map(|f| f.to_uppercase().chain(capital).collect())
        .unwrap_or_default();
    let mut names = conn.prepare_cached(
        "SELECT id FROM customers WHERE name >= ?1 AND name < ?1 || ?2 AND merged_into IS NULL LIMIT ?3",
    )?;
    for spelling in [name, capital.as_str()] {
        let rows = names.query_map(params![spelling, top, LOOK_UP as i64 / 2], |r| r.get(0))?;
        for id in rows {
            push_new(&mut c.customers, id?);
        }
    }
    let mut plates = conn.prepare_cached(
        "SELECT id FROM vehicles WHERE plate_norm >= ?1 AND plate_norm < ?1 || ?2 LIMIT ?3",
    )?;
    let rows = plates.query_map(params![plate, top, LOOK_UP as i64], |r| r.get(0))?;
    for id in rows {
        push_new(&mut c.vehicles, id?);
    }
    Ok(())
}

/// A car with its current owner and its open RO; None when nobody owns it now.
fn car(conn: &Connection, vehicle_id: i64) -> StoreResult<Option<SearchHit>> {
    let mut stmt = conn.prepare_cached(
        "SELECT v.id, c.id, v.plate, v.vin, v.make, v.model, c.name, c.phone, v.last_odometer_km
         FROM vehicles v
         JOIN vehicle_owners o ON o.vehicle_id = v.id AND o.until IS NULL
         JOIN customers c ON c.id = o.customer_id
         WHERE v.id = ?1 LIMIT 1",
    )?;
    let hit = stmt
        .query_row([vehicle_id], |r| {
            Ok(SearchHit {
                vehicle_id: r.get(0)?,
                customer_id: r.get(1)?,
                plate: text(r, 2)?,
                vin: text(r, 3)?,
                make: text(r, 4)?,
                model: text(r, 5)?,
                customer: text(r, 6)?,
                phone: text(r, 7)?,
                last_odometer_km: r.get(8)?,
                open_ro: None,
            })
        })
        .optional()?;
    let Some(mut hit) = hit else { return Ok(None) };
    hit.open_ro = open_ro(conn, vehicle_id)?;
    Ok(Some(hit))
}

fn open_ro(conn: &Connection, vehicle_id: i64) -> StoreResult<Option<(i64, String)>> {
    // Built once: the status list is our own constants, not user input.
    static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let sql = SQL.get_or_init(|| {
        format!(
            "SELECT id, number FROM repair_orders WHERE vehicle_id = ?1 AND status IN ({})
             ORDER BY id DESC LIMIT 1",
            super::board::open_status_list()
        )
    });
    let mut stmt = conn.prepare_cached(sql)?;
    Ok(stmt
        .query_row([vehicle_id], |r| Ok((r.get(0)?, text(r, 1)?)))
        .optional()?)
}

fn cars_of(conn: &Connection, customer_id: i64) -> StoreResult<Vec<i64>> {
    let mut stmt = conn.prepare_cached(
        "SELECT vehicle_id FROM vehicle_owners WHERE customer_id = ?1 AND until IS NULL LIMIT 20",
    )?;
    let rows = stmt.query_map([customer_id], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn customer(conn: &Connection, id: i64) -> StoreResult<Option<Found>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, name, phone FROM customers WHERE id = ?1 AND merged_into IS NULL",
    )?;
    Ok(stmt
        .query_row([id], |r| {
            Ok(Found::Customer {
                id: r.get(0)?,
                name: text(r, 1)?,
                phone: text(r, 2)?,
            })
        })
        .optional()?)
}

/// Cars for the RO finder: each matched car, each car of a matched
/// customer, and the car of a matched RO; best match first.
pub fn cars(conn: &Connection, query: &str, limit: usize) -> StoreResult<Vec<SearchHit>> {
    let Some(n) = Needle::parse(query) else {
        return Ok(Vec::new());
    };
    let c = candidates(conn, &n)?;
    let (hits, _) = car_hits(conn, &n, &c)?;
    Ok(hits.into_iter().take(limit).collect())
}

/// The cars found, and the customers found who own none.
fn car_hits(
    conn: &Connection,
    n: &Needle,
    c: &Candidates,
) -> StoreResult<(Vec<SearchHit>, Vec<i64>)> {
    let mut vehicles: Vec<i64> = c.ros.iter().map(|r| r.2).collect();
    let mut carless = Vec::new();
    for id in &c.vehicles {
        push_new(&mut vehicles, *id);
    }
    for id in &c.customers {
        let owned = cars_of(conn, *id)?;
        if owned.is_empty() {
            carless.push(*id);
        }
        for v in owned {
            push_new(&mut vehicles, v);
        }
    }
    let mut hits = Vec::new();
    for v in vehicles {
        if let Some(hit) = car(conn, v)? {
            hits.push(hit);
        }
    }
    hits.sort_by_key(|h| n.rank(&h.plate, &h.vin, &h.customer, &h.phone));
    Ok((hits, carless))
}

/// Everything the global search can jump to: ROs by number first, then
/// cars (with owner), then customers without a car.
pub fn anything(conn: &Connection, query: &str, limit: usize) -> StoreResult<Vec<Found>> {
    let Some(n) = Needle::parse(query) else {
        return Ok(Vec::new());
    };
    let c = candidates(conn, &n)?;
    let mut out: Vec<Found> = Vec::new();
    for (id, number, vehicle) in &c.ros {
        let hit = car(conn, *vehicle)?;
        out.push(Found::Ro {
            id: *id,
            number: number.clone(),
            plate: hit.as_ref().map(|h| h.plate.clone()).unwrap_or_default(),
            customer: hit.map(|h| h.customer).unwrap_or_default(),
        });
    }
    let (hits, carless) = car_hits(conn, &n, &c)?;
    out.extend(hits.into_iter().map(Found::Car));
    for id in carless {
        out.extend(customer(conn, id)?);
    }
    out.truncate(limit);
    Ok(out)
}
