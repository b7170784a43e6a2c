//! CSV export on the group server, row for row as the file exports (the
//! same columns, read back by `frontdesk import`). Customers and cars are
//! the group's; the ROs are the working shop's.

use crate::domain::Money;
use crate::store::book::Export;
use crate::store::StoreResult;
use postgres::fallible_iterator::FallibleIterator;
use postgres::GenericClient;

const CUSTOMERS: &str = "SELECT c.name, c.phone, c.phone2, c.email, c.wechat, c.address,
        c.preferred_contact, coalesce(v.plate, ''), coalesce(v.vin, ''), coalesce(v.make, ''),
        coalesce(v.model, ''), coalesce(v.year::text, ''), coalesce(v.colour, '')
    FROM customers c
    LEFT JOIN vehicle_owners o ON o.customer_id = c.id AND o.until IS NULL
    LEFT JOIN vehicles v ON v.id = o.vehicle_id
    WHERE c.merged_into IS NULL ORDER BY c.id, v.id";

const VEHICLES: &str = "SELECT v.plate, v.vin, v.make, v.model, coalesce(v.year::text, ''),
        v.colour, c.name, c.phone
    FROM vehicles v
    JOIN vehicle_owners o ON o.vehicle_id = v.id AND o.until IS NULL
    JOIN customers c ON c.id = o.customer_id ORDER BY v.id";

/// Dates in UTC, as the file's stored times begin.
const ROS: &str = "SELECT ro.number,
        to_char(coalesce(ro.delivered_at, ro.checked_in_at, ro.created_at) AT TIME ZONE 'UTC',
                'YYYY-MM-DD'),
        ro.status, v.plate, v.vin, c.name, c.phone, ro.category,
        coalesce(ro.odometer_in_km::text, ''), ro.concerns,
        (SELECT coalesce(sum(quantity_milli * unit_price_minor / 1000), 0)::text FROM ro_lines l
          WHERE l.ro_id = ro.id AND l.approval != 'declined'),
        (SELECT coalesce(string_agg(l.kind || ':' || l.description || ':' || l.approval, ' | '
                                    ORDER BY l.id), '')
          FROM ro_lines l WHERE l.ro_id = ro.id)
    FROM repair_orders ro JOIN vehicles v ON v.id = ro.vehicle_id
    JOIN customers c ON c.id = ro.customer_id
    WHERE ro.shop_id = frontdesk_shop() ORDER BY ro.id";

/// Streams the rows of an export to `sink` (without holding them all);
/// returns how many.
pub fn export(
    c: &mut impl GenericClient,
    what: Export,
    sink: &mut dyn FnMut(&[String]) -> StoreResult<()>,
) -> StoreResult<u64> {
    let sql = match what {
        Export::Customers => CUSTOMERS,
        Export::Vehicles => VEHICLES,
        Export::Ros => ROS,
    };
    let width = crate::store::sqlite::export_headers(what).len();
    let mut rows = c.query_raw(sql, std::iter::empty::<i64>())?;
    let mut count = 0;
    let mut fields = vec![String::new(); width];
    while let Some(row) = rows.next()? {
        for (i, f) in fields.iter_mut().enumerate() {
            *f = row.get(i);
        }
        if what == Export::Ros {
            // Money as the import reads it: 880.50.
            fields[10] = Money(fields[10].parse().unwrap_or(0)).decimal();
        }
        sink(&fields)?;
        count += 1;
    }
    Ok(count)
}
