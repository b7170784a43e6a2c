//! F5 on a test terminal: the demo's queue drawn at 80×24 and 132×43 with
//! overdue, today and upcoming in words; filters by kind and by agent;
//! Enter takes a call and records it; a refused contact keeps the dialog
//! and its answers; a complaint from the queue.

mod common;

use chrono::{DateTime, TimeZone, Utc};
use common::{app_on_store, draw, press_on, screen};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use frontdesk::demo::build_demo;
use frontdesk::domain::callbacks::{Band, Kind, Status};
use frontdesk::store::callbacks::{ListFilter, QueueFilter};
use frontdesk::store::prelude::*;
use frontdesk::store::SqliteStore;
use frontdesk::ui::app::App;
use frontdesk::ui::callbacks::CallbacksPane;
use frontdesk::ui::pane::PaneId;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap()
}

fn k(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn ch(c: char) -> KeyEvent {
    k(KeyCode::Char(c))
}

fn ctrl(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
}

fn on_calls() -> (SqliteStore, App) {
    let mut store = SqliteStore::open_in_memory().unwrap();
    build_demo(&mut store, t0(), "tester").unwrap();
    let mut app = app_on_store(&store, t0());
    press_on(&mut app, &mut store, &[k(KeyCode::F(5))]);
    assert_eq!(app.current(), PaneId::Callbacks);
    (store, app)
}

fn pane(app: &App) -> &CallbacksPane {
    app.pane::<CallbacksPane>().unwrap()
}

#[test]
fn the_queue_shows_overdue_today_and_upcoming_in_words_at_80x24() {
    let (_store, mut app) = on_calls();
    let rows = &pane(&app).rows;
    assert!(
        rows.iter().any(|r| r.band == Band::Overdue),
        "the demo has an overdue call"
    );
    assert!(rows.iter().any(|r| r.band == Band::Today));
    assert!(rows.iter().any(|r| r.band == Band::Upcoming));
    // Overdue first, then today, then upcoming.
    let bands: Vec<Band> = rows.iter().map(|r| r.band).collect();
    let mut sorted = bands.clone();
    sorted.sort();
    assert_eq!(bands, sorted);
    let text = screen(&draw(&mut app, 80, 24));
    assert!(text.contains("OVERDUE"), "{text}");
    assert!(text.contains("today"), "{text}");
    assert!(text.contains("Say:"), "the script is shown:\n{text}");
    assert!(text.contains("Visits:"), "{text}");
    assert!(text.contains("☎"), "{text}");
}

#[test]
fn the_phone_number_is_grouped_to_read_out() {
    let (_store, mut app) = on_calls();
    let phone = pane(&app).file.as_ref().unwrap().phone.clone();
    let text = screen(&draw(&mut app, 132, 43));
    let grouped = frontdesk::domain::callbacks::read_out(&phone);
    assert_eq!(grouped.len(), 13, "{grouped}");
    assert!(text.contains(&grouped), "{grouped} in\n{text}");
}

#[test]
fn f_filters_by_kind_and_a_by_agent() {
    let (mut store, mut app) = on_calls();
    let all = pane(&app).rows.len();
    press_on(&mut app, &mut store, &[ch('f')]);
    let first = Kind::ALL[0];
    assert_eq!(pane(&app).kind, Some(first));
    assert!(pane(&app).rows.iter().all(|r| r.kind == first));
    assert!(pane(&app).rows.len() < all);
    let text = screen(&draw(&mut app, 100, 30));
    assert!(text.contains("kind: complaint"), "{text}");
    // Mine: nothing taken yet.
    press_on(&mut app, &mut store, &[ch('a')]);
    assert!(pane(&app).rows.is_empty());
    let text = screen(&draw(&mut app, 100, 30));
    assert!(text.contains("No calls due"), "{text}");
}

#[test]
fn enter_takes_the_call_and_records_a_reached_customer_with_a_score() {
    let (mut store, mut app) = on_calls();
    let row = pane(&app).current().unwrap().clone();
    press_on(&mut app, &mut store, &[k(KeyCode::Enter)]);
    let taken = store.callback_queue(&QueueFilter::default(), t0()).unwrap();
    let held = taken.iter().find(|r| r.id == row.id).unwrap();
    assert_eq!(held.claimed_by.as_deref(), Some("tester"));
    let text = screen(&draw(&mut app, 100, 30));
    assert!(text.contains("Record the call"), "{text}");
    // Outcome reached (first), channel phone; the score 5.
    press_on(
        &mut app,
        &mut store,
        &[k(KeyCode::Tab), k(KeyCode::Tab), ch('5')],
    );
    press_on(&mut app, &mut store, &[ctrl('s')]);
    let done = store
        .callback_list(&ListFilter {
            status: Some(Status::Done),
            ..ListFilter::default()
        })
        .unwrap();
    assert!(done.iter().any(|r| r.id == row.id), "the call is done");
    let file = store.customer_file(row.customer_id).unwrap();
    assert_eq!(file.contacts[0].score, Some(5));
    assert_eq!(file.contacts[0].by, "tester");
}

#[test]
fn a_score_out_of_range_is_refused_at_its_field_and_nothing_is_written() {
    let (mut store, mut app) = on_calls();
    let row = pane(&app).current().unwrap().clone();
    press_on(&mut app, &mut store, &[k(KeyCode::Enter)]);
    press_on(
        &mut app,
        &mut store,
        &[k(KeyCode::Tab), k(KeyCode::Tab), ch('9')],
    );
    press_on(&mut app, &mut store, &[ctrl('s')]);
    let text = screen(&draw(&mut app, 100, 30));
    assert!(text.contains("1 to 5, not 9"), "{text}");
    let file = store.customer_file(row.customer_id).unwrap();
    assert!(file.contacts.iter().all(|c| c.score != Some(9)));
}

#[test]
fn a_complaint_opened_from_the_queue_joins_it_with_a_reply_by_time() {
    let (mut store, mut app) = on_calls();
    let row = pane(&app).current().unwrap().clone();
    press_on(&mut app, &mut store, &[ch('c')]);
    let typed: Vec<KeyEvent> = "Rattle came back".chars().map(ch).collect();
    press_on(&mut app, &mut store, &typed);
    press_on(&mut app, &mut store, &[k(KeyCode::Enter)]);
    let file = store.customer_file(row.customer_id).unwrap();
    let c = &file.complaints[0];
    assert_eq!(c.description, "Rattle came back");
    assert_eq!(c.reply_by, Some(t0() + chrono::Duration::days(2)));
    assert!(pane(&app)
        .rows
        .iter()
        .any(|r| r.kind == Kind::ComplaintFollowup && r.reason.contains("Rattle")));
}

#[test]
fn in_quiet_hours_a_phone_call_is_not_recorded() {
    let mut store = SqliteStore::open_in_memory().unwrap();
    let late = Utc.with_ymd_and_hms(2026, 11, 23, 22, 0, 0).unwrap();
    build_demo(&mut store, late, "tester").unwrap();
    let mut app = app_on_store(&store, late);
    press_on(&mut app, &mut store, &[k(KeyCode::F(5)), k(KeyCode::Enter)]);
    let row = pane(&app).current().unwrap().clone();
    press_on(&mut app, &mut store, &[ctrl('s')]);
    let text = screen(&draw(&mut app, 100, 30));
    assert!(text.contains("quiet hours (21:00–09:00)"), "{text}");
    assert!(store
        .customer_file(row.customer_id)
        .unwrap()
        .contacts
        .iter()
        .all(|c| c.at != late));
}

#[test]
fn a_complaint_stays_with_its_customer_when_the_queue_moves_underneath() {
    let (mut store, mut app) = on_calls();
    let row = pane(&app).current().unwrap().clone();
    press_on(&mut app, &mut store, &[ch('c')]);
    // Another agent closes that call meanwhile; the queue reloads.
    let other = frontdesk::store::Actor {
        login: "chen.jing",
        user_id: None,
        at: t0(),
    };
    let done = common::calls::reached(Some(5));
    store.record_contact(row.id, &done, other).unwrap();
    app.reload(&store);
    let now_on = pane(&app).current().unwrap().customer_id;
    assert_ne!(
        now_on, row.customer_id,
        "the cursor is on another customer now"
    );
    let typed: Vec<KeyEvent> = "Scratch on the bonnet".chars().map(ch).collect();
    press_on(&mut app, &mut store, &typed);
    press_on(&mut app, &mut store, &[k(KeyCode::Enter)]);
    let file = store.customer_file(row.customer_id).unwrap();
    assert_eq!(file.complaints[0].description, "Scratch on the bonnet");
}
