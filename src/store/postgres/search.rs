//! Search from anywhere on the group server: the same needle, ranking and
//! shape as the file's (`domain::search`), with pg_trgm's indexes in place
//! of FTS5 (migration 006). Customers and cars are the group's; an RO
//! number is looked up in the working shop, whose numbers it names.

use crate::domain::draft::SearchHit;
use crate::domain::search::Needle;
use crate::domain::RoStatus;
use crate::store::{Found, StoreResult};
use postgres::GenericClient;

/// How many rows one lookup may read, whatever the query (as on SQLite).
const READ_AT_MOST: i64 = 60;
/// How many of the matches are looked up in full.
const LOOK_UP: usize = 16;

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

/// A LIKE pattern that matches `s` literally.
fn literal(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

fn candidates(c: &mut impl GenericClient, n: &Needle) -> StoreResult<Candidates> {
    let mut out = Candidates::default();
    if let Some(number) = n.ro_number() {
        out.ros = c
            .query(
                "SELECT id, number, vehicle_id FROM repair_orders
                 WHERE shop_id = frontdesk_shop() AND number LIKE $1 ORDER BY number LIMIT 8",
                &[&format!("{}%", literal(&number))],
            )?
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect();
    }
    let mut found: Vec<(u8, bool, i64)> = Vec::new();
    for s in n.spellings() {
        let pattern = format!("%{}%", literal(&s.to_lowercase()));
        let upper = format!("%{}%", literal(&s.to_uppercase()));
        for r in c.query(
            "SELECT id, plate, vin FROM vehicles
             WHERE plate_norm LIKE $1 OR lower(vin) LIKE $2 LIMIT $3",
            &[&upper, &pattern, &READ_AT_MOST],
        )? {
            found.push((n.rank(r.get(1), r.get(2), "", ""), true, r.get(0)));
        }
        for r in c.query(
            "SELECT id, name, phone FROM customers
             WHERE merged_into IS NULL AND (lower(name) LIKE $1 OR phone LIKE $1) LIMIT $2",
            &[&pattern, &READ_AT_MOST],
        )? {
            found.push((n.rank("", "", r.get(1), r.get(2)), false, r.get(0)));
        }
    }
    found.sort_by_key(|f| f.0);
    for (_, car, id) in found.into_iter().take(LOOK_UP) {
        match car {
            true => push_new(&mut out.vehicles, id),
            false => push_new(&mut out.customers, id),
        }
    }
    if let Some((name, plate)) = n.prefix() {
        by_prefix(c, &name, &plate, &mut out)?;
    }
    Ok(out)
}

/// One or two characters: names and plates that start with them, a Latin
/// name tried as typed and capitalised.
fn by_prefix(
    c: &mut impl GenericClient,
    name: &str,
    plate: &str,
    out: &mut Candidates,
) -> StoreResult<()> {
    let mut chars = name.chars();
    let capital: String = chars
        .next()
        .map(|f| f.to_uppercase().chain(chars).collect())
        .unwrap_or_default();
    let half = LOOK_UP as i64 / 2;
    for spelling in [name, capital.as_str()] {
        for r in c.query(
            "SELECT id FROM customers WHERE name LIKE $1 AND merged_into IS NULL LIMIT $2",
            &[&format!("{}%", literal(spelling)), &half],
        )? {
            push_new(&mut out.customers, r.get(0));
        }
    }
    for r in c.query(
        "SELECT id FROM vehicles WHERE plate_norm LIKE $1 LIMIT $2",
        &[&format!("{}%", literal(plate)), &(LOOK_UP as i64)],
    )? {
        push_new(&mut out.vehicles, r.get(0));
    }
    Ok(())
}

/// A car with its current owner and its open RO; None when nobody owns it.
fn car(c: &mut impl GenericClient, vehicle_id: i64) -> StoreResult<Option<SearchHit>> {
    let Some(r) = c.query_opt(
        "SELECT v.id, c.id, v.plate, v.vin, v.make, v.model, c.name, c.phone, v.last_odometer_km
         FROM vehicles v
         JOIN vehicle_owners o ON o.vehicle_id = v.id AND o.until IS NULL
         JOIN customers c ON c.id = o.customer_id
         WHERE v.id = $1 LIMIT 1",
        &[&vehicle_id],
    )?
    else {
        return Ok(None);
    };
    let open: Vec<&str> = RoStatus::OPEN.iter().map(|s| s.code()).collect();
    let open_ro = c
        .query_opt(
            "SELECT id, number FROM repair_orders
             WHERE vehicle_id = $1 AND status = ANY($2) AND shop_id = frontdesk_shop()
             ORDER BY id DESC LIMIT 1",
            &[&vehicle_id, &open],
        )?
        .map(|o| (o.get(0), o.get(1)));
    Ok(Some(SearchHit {
        vehicle_id: r.get(0),
        customer_id: r.get(1),
        plate: r.get(2),
        vin: r.get(3),
        make: r.get(4),
        model: r.get(5),
        customer: r.get(6),
        phone: r.get(7),
        last_odometer_km: r.get(8),
        open_ro,
    }))
}

/// The cars found, and the customers found who own none.
fn car_hits(
    c: &mut impl GenericClient,
    n: &Needle,
    found: &Candidates,
) -> StoreResult<(Vec<SearchHit>, Vec<i64>)> {
    let mut vehicles: Vec<i64> = found.ros.iter().map(|r| r.2).collect();
    let mut carless = Vec::new();
    for id in &found.vehicles {
        push_new(&mut vehicles, *id);
    }
    for id in &found.customers {
        let owned: Vec<i64> = c
            .query(
                "SELECT vehicle_id FROM vehicle_owners
                 WHERE customer_id = $1 AND until IS NULL LIMIT 20",
                &[id],
            )?
            .iter()
            .map(|r| r.get(0))
            .collect();
        if owned.is_empty() {
            carless.push(*id);
        }
        for v in owned {
            push_new(&mut vehicles, v);
        }
    }
    let mut hits = Vec::new();
    for v in vehicles {
        hits.extend(car(c, v)?);
    }
    hits.sort_by_key(|h| n.rank(&h.plate, &h.vin, &h.customer, &h.phone));
    Ok((hits, carless))
}

/// Cars for the RO finder, best match first.
pub fn cars(c: &mut impl GenericClient, query: &str, limit: usize) -> StoreResult<Vec<SearchHit>> {
    let Some(n) = Needle::parse(query) else {
        return Ok(Vec::new());
    };
    let found = candidates(c, &n)?;
    let (hits, _) = car_hits(c, &n, &found)?;
    Ok(hits.into_iter().take(limit).collect())
}

/// Everything the global search can jump to: ROs by number first, then
/// cars (with owner), then customers without a car.
pub fn anything(c: &mut impl GenericClient, query: &str, limit: usize) -> StoreResult<Vec<Found>> {
    let Some(n) = Needle::parse(query) else {
        return Ok(Vec::new());
    };
    let found = candidates(c, &n)?;
    let mut out: Vec<Found> = Vec::new();
    for (id, number, vehicle) in &found.ros {
        let hit = car(c, *vehicle)?;
        out.push(Found::Ro {
            id: *id,
            number: number.clone(),
            plate: hit.as_ref().map(|h| h.plate.clone()).unwrap_or_default(),
            customer: hit.map(|h| h.customer).unwrap_or_default(),
        });
    }
    let (hits, carless) = car_hits(c, &n, &found)?;
    out.extend(hits.into_iter().map(Found::Car));
    for id in carless {
        let r = c.query_opt(
            "SELECT id, name, phone FROM customers WHERE id = $1 AND merged_into IS NULL",
            &[&id],
        )?;
        out.extend(r.map(|r| Found::Customer {
            id: r.get(0),
            name: r.get(1),
            phone: r.get(2),
        }));
    }
    out.truncate(limit);
    Ok(out)
}
