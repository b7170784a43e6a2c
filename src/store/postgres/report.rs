//! The report's questions answered on the group server, for the working
//! shop or for the whole group (`ReportQuery::group`). Row-level security
//! still applies: "the group" is every shop this person may see. How the
//! answers become figures is `store::report_facts`, shared with SQLite.

use super::ro::coded;
use crate::domain::book::{AppointmentStatus, ShowRate};
use crate::domain::repair_order::{Approval, Category, LineKind, Payer, RoLine};
use crate::domain::report::kpi::{self, ComplaintFact, DeclinedItem, LaterWork, NewCar, Visit};
use crate::domain::report::period::local_day;
use crate::domain::report::LostCounts;
use crate::domain::{Money, Settings};
use crate::store::report::{DrillRow, ReportNames, ReportQuery, StillOpen, DRILL_ROWS};
use crate::store::report_facts::{Bounds, ReportFacts, RoFacts};
use crate::store::StoreResult;
use chrono::{DateTime, Duration, Months, Utc};
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::ToSql;
use postgres::{Client, Row};
use std::cell::RefCell;
use std::collections::HashMap;

/// The report's reads on one connection, for one shop or the group.
pub struct Facts<'a> {
    pub client: &'a RefCell<Client>,
    pub group: bool,
}

impl Facts<'_> {
    /// The rows of `alias` this report covers.
    fn scope(&self, alias: &str) -> String {
        if self.group {
            "TRUE".into()
        } else {
            format!("{alias}.shop_id = frontdesk_shop()")
        }
    }

    fn query(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> StoreResult<Vec<Row>> {
        Ok(self.client.borrow_mut().query(sql, params)?)
    }

    /// Streams the rows of `sql`, one at a time.
    fn stream(
        &self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
        each: &mut dyn FnMut(&Row) -> StoreResult<()>,
    ) -> StoreResult<()> {
        let mut client = self.client.borrow_mut();
        let mut rows = client.query_raw(sql, params.iter().copied())?;
        while let Some(r) = rows.next()? {
            each(&r)?;
        }
        Ok(())
    }

    /// Each shop's tax rate: a group report taxes each RO at its own shop's.
    fn taxes(&self) -> StoreResult<HashMap<i64, i64>> {
        let default = Settings::default().tax_rate_bp;
        let rows = self.query(
            "SELECT s.id, (SELECT value FROM settings t WHERE t.shop_id = s.id AND t.key = 'tax_rate_bp')
             FROM shops s",
            &[],
        )?;
        Ok(rows
            .iter()
            .map(|r| {
                let v: Option<String> = r.get(1);
                (r.get(0), v.and_then(|v| v.parse().ok()).unwrap_or(default))
            })
            .collect())
    }
}

fn head(r: &Row, tax_rate_bp: i64) -> StoreResult<RoFacts> {
    Ok(RoFacts {
        id: r.get(0),
        number: r.get(1),
        vehicle_id: r.get(2),
        customer_id: r.get(3),
        category: coded(r, 4, Category::from_code)?,
        advisor_id: r.get(5),
        group_id: r.get(6),
        delivered_at: r.get(7),
        promised_at: r.get(8),
        ready_at: r.get(9),
        discount_bp: r.get(10),
        paid: Money(r.get(11)),
        called: r.get(12),
        tax_rate_bp,
        lines: Vec::new(),
    })
}

/// A line's kind, money and answer; its words only when it was declined.
fn line(r: &Row) -> StoreResult<Option<RoLine>> {
    let Some(kind) = r.get::<_, Option<String>>(14) else {
        return Ok(None);
    };
    let kind = LineKind::from_code(&kind).unwrap_or_default();
    let approval = coded(r, 21, Approval::from_code)?;
    let mut l = RoLine {
        kind,
        quantity_milli: r.get(18),
        unit_price: Money(r.get(19)),
        payer: coded(r, 20, Payer::from_code)?,
        approval,
        ..RoLine::default()
    };
    if approval == Approval::Declined {
        l.code = r.get(if kind == LineKind::Part { 16 } else { 15 });
        l.description = r.get(17);
    }
    Ok(Some(l))
}

impl ReportFacts for Facts<'_> {
    fn settings(&self) -> StoreResult<Settings> {
        super::admin::settings(&mut *self.client.borrow_mut())
    }

    fn count_delivered(&self, (start, end): Bounds) -> StoreResult<u64> {
        let sql = format!(
            "SELECT count(*) FROM repair_orders r
             WHERE r.delivered_at >= $1 AND r.delivered_at < $2 AND {}",
            self.scope("r")
        );
        Ok(self.query(&sql, &[&start, &end])?[0].get::<_, i64>(0) as u64)
    }

    fn delivered(&self, (start, end): Bounds, each: &mut dyn FnMut(&RoFacts)) -> StoreResult<()> {
        let taxes = self.taxes()?;
        let sql = format!(
            "WITH d AS MATERIALIZED (
               SELECT r.id, r.number, r.vehicle_id, r.customer_id, r.category, r.advisor_id,
                      r.work_group_id, r.delivered_at, r.promised_at, r.ready_at, r.discount_bp,
                      (SELECT coalesce(sum(p.amount_minor), 0)::bigint FROM payments p WHERE p.ro_id = r.id) AS paid,
                      EXISTS (SELECT 1 FROM callbacks c WHERE c.ro_id = r.id
                              AND c.kind = 'three_day_call' AND c.status = 'done') AS called,
                      r.shop_id
               FROM repair_orders r
               WHERE r.delivered_at >= $1 AND r.delivered_at < $2 AND r.status = 'delivered' AND {})
             SELECT d.*, l.kind, l.op_code, l.part_number, l.description, l.quantity_milli,
                    l.unit_price_minor, l.payer, l.approval
             FROM d LEFT JOIN ro_lines l ON l.ro_id = d.id
             ORDER BY d.delivered_at, d.id",
            self.scope("r")
        );
        let mut current: Option<RoFacts> = None;
        self.stream(&sql, &[&start, &end], &mut |r| {
            let id: i64 = r.get(0);
            if current.as_ref().is_none_or(|c| c.id != id) {
                if let Some(done) = current.take() {
                    each(&done);
                }
                let shop: i64 = r.get(13);
                current = Some(head(r, taxes.get(&shop).copied().unwrap_or_default())?);
            }
            if let (Some(c), Some(l)) = (current.as_mut(), line(r)?) {
                c.lines.push(l);
            }
            Ok(())
        })?;
        if let Some(done) = current {
            each(&done);
        }
        Ok(())
    }

    fn visits(&self, (from, end): Bounds, each_car: &mut dyn FnMut(&[Visit])) -> StoreResult<()> {
        // The op codes come with the visit: one connection cannot read
        // beside a stream, and the server aggregates them cheaply.
        let sql = format!(
            "SELECT r.id, r.vehicle_id, r.checked_in_at, r.category,
                    ARRAY(SELECT l.op_code FROM ro_lines l WHERE l.ro_id = r.id AND l.kind = 'labour'
                          AND l.op_code <> '' AND l.approval IN ('original', 'approved'))
             FROM repair_orders r
             WHERE r.checked_in_at >= $1 AND r.checked_in_at < $2
               AND r.status NOT IN ('cancelled', 'booked') AND {}
             ORDER BY r.vehicle_id, r.checked_in_at, r.id",
            self.scope("r")
        );
        let mut car: Vec<Visit> = Vec::new();
        self.stream(&sql, &[&from, &end], &mut |r| {
            let v = Visit {
                ro_id: r.get(0),
                vehicle_id: r.get(1),
                checked_in_at: r.get(2),
                category: coded(r, 3, Category::from_code)?,
                op_codes: r.get(4),
            };
            if car.first().is_some_and(|c| c.vehicle_id != v.vehicle_id) {
                each_car(&car);
                car.clear();
            }
            car.push(v);
            Ok(())
        })?;
        if !car.is_empty() {
            each_car(&car);
        }
        Ok(())
    }

    fn scores(&self, (start, end): Bounds) -> StoreResult<Vec<i64>> {
        let sql = format!(
            "SELECT c.satisfaction FROM contacts c
             WHERE c.at >= $1 AND c.at < $2 AND c.satisfaction IS NOT NULL AND {}",
            self.scope("c")
        );
        Ok(self
            .query(&sql, &[&start, &end])?
            .iter()
            .map(|r| r.get(0))
            .collect())
    }

    fn new_cars(&self, q: &ReportQuery) -> StoreResult<Vec<NewCar>> {
        let three = Months::new(kpi::FIRST_MAINTENANCE_MONTHS);
        let from = q.period.first - three - Duration::days(4);
        let to = q.period.last - three + Duration::days(4);
        // Cars are shared by the group; a shop's are those it has served.
        let sql = format!(
            "SELECT v.id, v.purchased_on,
                    (SELECT min(r.checked_in_at) FROM repair_orders r
                     WHERE r.vehicle_id = v.id AND r.category = 'maintenance'
                       AND r.checked_in_at >= v.purchased_on::timestamptz AND {})
             FROM vehicles v
             WHERE v.purchased_on >= $1 AND v.purchased_on <= $2
               AND ({} OR EXISTS (SELECT 1 FROM repair_orders r WHERE r.vehicle_id = v.id
                                  AND r.shop_id = frontdesk_shop()))",
            self.scope("r"),
            self.group
        );
        let mut cars = Vec::new();
        for r in self.query(&sql, &[&from, &to])? {
            cars.push(NewCar {
                vehicle_id: r.get(0),
                purchased_on: r.get(1),
                first_maintenance_on: r
                    .get::<_, Option<DateTime<Utc>>>(2)
                    .map(|t| local_day(t, q.offset)),
            });
        }
        Ok(cars)
    }

    fn show(&self, (start, end): Bounds) -> StoreResult<ShowRate> {
        let sql = format!(
            "SELECT a.status FROM appointments a WHERE a.starts_at >= $1 AND a.starts_at < $2 AND {}",
            self.scope("a")
        );
        let mut rate = ShowRate::default();
        for r in self.query(&sql, &[&start, &end])? {
            let s: String = r.get(0);
            rate.add(AppointmentStatus::from_code(&s).unwrap_or(AppointmentStatus::Booked));
        }
        Ok(rate)
    }

    fn later_work(&self, declined: &[DeclinedItem]) -> StoreResult<Vec<LaterWork>> {
        let mut cars: Vec<(i64, DateTime<Utc>)> = declined
            .iter()
            .map(|d| (d.vehicle_id, d.declined_at))
            .collect();
        cars.sort();
        cars.dedup_by_key(|c| c.0);
        // A declined item done later at another shop of the group is still
        // work recaptured by the group, so the later visits are not scoped.
        let mut out = Vec::new();
        for (vehicle, since) in cars {
            for r in self.query(
                "SELECT r.vehicle_id, r.checked_in_at, l.kind, l.op_code, l.part_number, l.description
                 FROM repair_orders r JOIN ro_lines l ON l.ro_id = r.id
                 WHERE r.vehicle_id = $1 AND r.checked_in_at > $2
                   AND l.approval IN ('original', 'approved')",
                &[&vehicle, &since],
            )? {
                let part = r.get::<_, String>(2) == "part";
                out.push(LaterWork {
                    vehicle_id: r.get(0),
                    at: r.get(1),
                    code: r.get(if part { 4 } else { 3 }),
                    description: r.get(5),
                });
            }
        }
        Ok(out)
    }

    fn complaints(&self, (start, end): Bounds) -> StoreResult<Vec<ComplaintFact>> {
        let sql = format!(
            "SELECT c.id, c.received_at,
                    CASE WHEN c.status IN ('resolved', 'closed') THEN coalesce(c.resolved_at, c.received_at) END,
                    frontdesk_at(c.reply_by)
             FROM complaints c
             WHERE c.received_at < $2 AND {}
               AND (c.status IN ('open', 'escalated') OR c.received_at >= $1 OR c.resolved_at >= $1)",
            self.scope("c")
        );
        Ok(self
            .query(&sql, &[&start, &end])?
            .iter()
            .map(|r| ComplaintFact {
                id: r.get(0),
                received_at: r.get(1),
                closed_at: r.get(2),
                reply_by: r.get(3),
            })
            .collect())
    }

    fn lost(&self, end: DateTime<Utc>, q: &ReportQuery) -> StoreResult<LostCounts> {
        let sql = format!(
            "SELECT max(r.checked_in_at) FROM repair_orders r
             WHERE r.checked_in_at < $1 AND {} GROUP BY r.customer_id",
            self.scope("r")
        );
        let as_of = local_day(q.as_of(), q.offset);
        let mut counts = LostCounts::default();
        self.stream(&sql, &[&end], &mut |r| {
            if let Some(t) = r.get::<_, Option<DateTime<Utc>>>(0) {
                counts.add(local_day(t, q.offset), as_of);
            }
            Ok(())
        })?;
        Ok(counts)
    }

    fn score_rows(&self, (start, end): Bounds) -> StoreResult<Vec<DrillRow>> {
        let sql = format!(
            "SELECT c.at, c.satisfaction, c.customer_id, cb.ro_id, cb.kind
             FROM contacts c JOIN callbacks cb ON cb.id = c.callback_id
             WHERE c.at >= $1 AND c.at < $2 AND c.satisfaction IS NOT NULL AND {}
             ORDER BY c.satisfaction, c.at, c.id LIMIT $3",
            self.scope("c")
        );
        Ok(self
            .query(&sql, &[&start, &end, &(DRILL_ROWS as i64)])?
            .iter()
            .map(|r| DrillRow {
                at: r.get(0),
                what: format!("{}/5 {}", r.get::<_, i64>(1), r.get::<_, String>(4)),
                customer_id: r.get(2),
                ro_id: r.get(3),
                ..DrillRow::default()
            })
            .collect())
    }

    fn no_show_rows(&self, (start, end): Bounds) -> StoreResult<Vec<DrillRow>> {
        let sql = format!(
            "SELECT a.starts_at, a.customer_id, a.ro_id, coalesce(v.plate, ''), a.requested_work
             FROM appointments a LEFT JOIN vehicles v ON v.id = a.vehicle_id
             WHERE a.starts_at >= $1 AND a.starts_at < $2 AND a.status = 'no_show' AND {}
             ORDER BY a.starts_at, a.id LIMIT $3",
            self.scope("a")
        );
        Ok(self
            .query(&sql, &[&start, &end, &(DRILL_ROWS as i64)])?
            .iter()
            .map(|r| DrillRow {
                at: r.get(0),
                customer_id: r.get(1),
                ro_id: r.get(2),
                plate: r.get(3),
                what: format!("no-show: {}", r.get::<_, String>(4)),
                ..DrillRow::default()
            })
            .collect())
    }

    fn complaint_link(&self, id: i64) -> StoreResult<(i64, Option<i64>)> {
        let r = &self.query(
            "SELECT customer_id, ro_id FROM complaints WHERE id = $1",
            &[&id],
        )?[0];
        Ok((r.get(0), r.get(1)))
    }

    fn plate(&self, vehicle_id: i64) -> StoreResult<String> {
        Ok(self
            .query("SELECT plate FROM vehicles WHERE id = $1", &[&vehicle_id])?
            .first()
            .map(|r| r.get(0))
            .unwrap_or_default())
    }

    fn owner_of(&self, vehicle_id: i64) -> StoreResult<Option<i64>> {
        Ok(self
            .query(
                "SELECT customer_id FROM vehicle_owners WHERE vehicle_id = $1 AND until IS NULL",
                &[&vehicle_id],
            )?
            .first()
            .map(|r| r.get(0)))
    }

    fn fill_names(&self, rows: &mut [DrillRow]) -> StoreResult<()> {
        for row in rows.iter_mut() {
            if let Some(id) = row.ro_id {
                let found = self.query(
                    "SELECT r.number, v.plate, c.name, r.customer_id, s.code FROM repair_orders r
                     JOIN vehicles v ON v.id = r.vehicle_id JOIN customers c ON c.id = r.customer_id
                     JOIN shops s ON s.id = r.shop_id WHERE r.id = $1",
                    &[&id],
                )?;
                if let Some(r) = found.first() {
                    if row.number.is_empty() {
                        row.number = r.get(0);
                    }
                    // In a group list the shop tells two shops' numbers apart.
                    if self.group {
                        row.number = format!("{}·{}", r.get::<_, String>(4), row.number);
                    }
                    row.plate = r.get(1);
                    row.customer = r.get(2);
                    row.customer_id = Some(r.get(3));
                }
            } else if let Some(id) = row.customer_id {
                row.customer = self
                    .query("SELECT name FROM customers WHERE id = $1", &[&id])?
                    .first()
                    .map(|r| r.get(0))
                    .unwrap_or_default();
            }
        }
        Ok(())
    }
}

/// Cars in the shop, calls due by the end of the day and not made, and
/// complaints past their reply time.
pub fn still_open(f: &Facts<'_>, q: &ReportQuery) -> StoreResult<StillOpen> {
    use crate::domain::report::{period::local_day, Period};
    let day_end = Period::day(local_day(q.now, q.offset)).bounds(q.offset).1;
    let limit = DRILL_ROWS as i64;
    let sql = format!(
        "SELECT r.id, r.promised_at, r.status FROM repair_orders r
         WHERE r.status IN ({}) AND r.status <> 'booked' AND {}
         ORDER BY r.promised_at IS NULL, r.promised_at, r.id LIMIT $1",
        crate::store::sqlite::board::open_status_list(),
        f.scope("r")
    );
    let cars = f
        .query(&sql, &[&limit])?
        .iter()
        .map(|r| DrillRow {
            ro_id: Some(r.get(0)),
            at: r.get(1),
            what: r.get(2),
            ..DrillRow::default()
        })
        .collect();
    let sql = format!(
        "SELECT c.id, c.customer_id, c.ro_id, c.kind, c.due_at, count(*) OVER () FROM callbacks c
         WHERE c.status = 'open' AND c.due_at < $1 AND {} ORDER BY c.priority, c.due_at, c.id LIMIT $2",
        f.scope("c")
    );
    let rows = f.query(&sql, &[&day_end, &limit])?;
    let calls_total = rows.first().map(|r| r.get(5)).unwrap_or(0);
    let calls = rows
        .iter()
        .map(|r| DrillRow {
            number: format!("CB-{}", r.get::<_, i64>(0)),
            customer_id: r.get(1),
            ro_id: r.get(2),
            what: r.get(3),
            at: r.get(4),
            ..DrillRow::default()
        })
        .collect();
    let sql = format!(
        "SELECT c.id, c.customer_id, c.ro_id, frontdesk_at(c.reply_by) FROM complaints c
         WHERE c.status IN ('open', 'escalated') AND frontdesk_at(c.reply_by) < $1 AND {}
         ORDER BY c.reply_by, c.id LIMIT $2",
        f.scope("c")
    );
    let complaints = f
        .query(&sql, &[&q.now, &limit])?
        .iter()
        .map(|r| DrillRow {
            number: format!("C-{}", r.get::<_, i64>(0)),
            customer_id: r.get(1),
            ro_id: r.get(2),
            at: r.get(3),
            what: "reply overdue".into(),
            ..DrillRow::default()
        })
        .collect();
    let mut open = StillOpen {
        cars,
        calls,
        calls_total,
        complaints,
    };
    f.fill_names(&mut open.cars)?;
    f.fill_names(&mut open.calls)?;
    f.fill_names(&mut open.complaints)?;
    Ok(open)
}

/// Advisors (every user the group has had) and work groups by id.
pub fn names(f: &Facts<'_>) -> StoreResult<ReportNames> {
    let mut n = ReportNames::default();
    for r in f.query("SELECT id, login FROM users", &[])? {
        n.advisors.insert(r.get(0), r.get(1));
    }
    for r in f.query("SELECT id, name FROM work_groups", &[])? {
        n.groups.insert(r.get(0), r.get(1));
    }
    Ok(n)
}
