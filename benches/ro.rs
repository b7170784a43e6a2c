//! RO editor benchmarks on a generated shop of 100,000 ROs (BENCH_TOTAL to
//! change): open and save an RO with 40 lines, save it with a three-way
//! merge over another advisor's save, and keystroke-to-frame in the editor
//! and on F4's car outline (key handling plus a full draw). Medians.
//!
//!     cargo bench --bench ro

use chrono::{Duration as ChronoDuration, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use frontdesk::domain::repair_order::*;
use frontdesk::domain::{Money, RepairOrder};
use frontdesk::store::prelude::*;
use frontdesk::store::{Actor, OpenMode, SaveRo, SqliteStore};
use frontdesk::ui::app::App;
use frontdesk::ui::i18n::{Lang, Texts};
use frontdesk::ui::keymap::Keymap;
use frontdesk::ui::ro::fields::FieldId;
use frontdesk::ui::ro::form::RoForm;
use frontdesk::ui::ro::RoPane;
use frontdesk::ui::theme::Theme;
use frontdesk::ui::timefmt::TimeFmt;
use frontdesk::ui::{PaneId, Session};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::time::{Duration, Instant};

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

fn forty_line_ro() -> RepairOrder {
    let mut ro = RepairOrder::new("bench");
    ro.customer = CustomerRef {
        id: None,
        name: "Bench 客户".into(),
        phone: "13800000000".into(),
    };
    ro.vehicle = VehicleRef {
        id: None,
        vin: "1M8GDM9AXKP042788".into(),
        plate: "粤A·BENCH".into(),
        make: "Toyota".into(),
        model: "Camry".into(),
        last_odometer_km: None,
    };
    ro.odometer_in_km = Some(50_000);
    ro.concerns = "Full service and many small repairs".into();
    ro.promised_at = Some(Utc::now() + ChronoDuration::hours(6));
    ro.lines = (0..40)
        .map(|i| RoLine {
            kind: if i % 2 == 0 {
                LineKind::Labour
            } else {
                LineKind::Part
            },
            code: format!("OP-{i:03}"),
            description: format!("Line {i}: work or part with a realistic description"),
            quantity_milli: 1000 + i * 10,
            unit_price: Money(10_000 + i * 100),
            ..Default::default()
        })
        .collect();
    ro
}

/// Another advisor saves a line and the fuel; then "my" edit, begun on the
/// older version, changes the diagnosis and another line, and is merged.
/// Times my save alone.
fn merged_save(store: &mut SqliteStore, base: &mut RepairOrder, i: i64, by: Actor<'_>) -> Duration {
    let mut theirs = base.clone();
    theirs.lines[5].description = format!("their change {i}");
    theirs.fuel_eighths = Some(i % 8 + 1);
    store.save_ro(&SaveRo::new(&theirs), by).unwrap();
    let mut mine = base.clone();
    mine.diagnosis = format!("my change {i}");
    mine.lines[30].quantity_milli += 10;
    let req = SaveRo {
        ro: &mine,
        base: Some(base),
        keep_mine: false,
    };
    let start = Instant::now();
    let saved = store.save_ro(&req, by).unwrap();
    let took = start.elapsed();
    assert_eq!(saved.lines[5].description, format!("their change {i}"));
    assert_eq!(saved.diagnosis, format!("my change {i}"));
    *base = saved;
    took
}

fn main() {
    let total: usize = std::env::var("BENCH_TOTAL")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("big.db");
    let mut store = SqliteStore::open(&db, OpenMode::Create).unwrap();
    let at = Utc::now();
    let by = Actor {
        login: "bench",
        user_id: Some(1),
        at,
    };
    store
        .seed(
            &frontdesk::demo::synthetic_shop(at, "bench", 500, total, total / 6),
            by,
        )
        .unwrap();
    println!("database: {total} ROs");

    let saved = store.save_ro(&SaveRo::new(&forty_line_ro()), by).unwrap();
    let id = saved.id.unwrap();
    let open = median(
        (0..50)
            .map(|_| {
                let start = Instant::now();
                std::hint::black_box((store.load_ro(id).unwrap(), store.payments(id).unwrap()));
                start.elapsed()
            })
            .collect(),
    );
    println!("open an RO with 40 lines:           median {open:.2?} (50 runs)");
    let mut ro = saved;
    let save = median(
        (0..50)
            .map(|i| {
                ro.diagnosis = format!("check {i}");
                let start = Instant::now();
                ro = store.save_ro(&SaveRo::new(&ro), by).unwrap();
                start.elapsed()
            })
            .collect(),
    );
    println!("save an RO with 40 lines (+reload): median {save:.2?} (50 runs, synchronous=FULL)");
    let merge = median(
        (0..50)
            .map(|i| merged_save(&mut store, &mut ro, i, by))
            .collect(),
    );
    println!("save with a three-way merge, 40 lines: median {merge:.2?} (50 runs)");

    let session = Session::open(&store, "bench", "big.db".into()).unwrap();
    let mut app = App::new(
        session,
        Keymap::default(),
        Texts::new(Lang::En),
        Theme::with_color(true),
        TimeFmt::utc(),
    );
    app.start_on(PaneId::RepairOrder);
    app.reload(&store);
    let mut term = Terminal::new(TestBackend::new(80, 24)).unwrap();
    for field in [FieldId::Customer, FieldId::Concerns] {
        let mut form = RoForm::new(
            ro.clone(),
            Some(ro.clone()),
            app.board().groups.clone(),
            TimeFmt::utc(),
        );
        form.focus_on(field);
        app.pane_mut::<RoPane>().unwrap().form = Some(form);
        app.set_now(Utc::now());
        let frame = median(
            (0..300)
                .map(|i| {
                    let c = if i % 2 == 0 { 'a' } else { '字' };
                    let start = Instant::now();
                    let key = KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
                    app.handle_key(key, &mut store);
                    term.draw(|f| app.draw(f)).unwrap();
                    start.elapsed()
                })
                .collect(),
        );
        println!("keystroke to frame, {field:?} field, 80x24: median {frame:.2?} (300 keys)");
    }
    outline(&mut app, &mut store);
}

/// F4's walk-around: an arrow key that moves the cursor panel, handled and
/// the whole screen drawn, at 80×24 and 120×40.
fn outline(app: &mut App, store: &mut SqliteStore) {
    let key = |code| KeyEvent::new(code, KeyModifiers::NONE);
    // F4 takes the RO open in the editor; Tab goes on to the walk-around.
    app.handle_key(key(KeyCode::F(4)), store);
    app.handle_key(key(KeyCode::Tab), store);
    assert_eq!(app.current(), PaneId::Checklist, "F4 opened the RO in hand");
    let on_outline = app
        .pane::<frontdesk::ui::checklist::ChecklistPane>()
        .unwrap()
        .section;
    assert_eq!(on_outline, frontdesk::ui::checklist::Section::WalkAround);
    for (w, h) in [(80, 24), (120, 40)] {
        let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
        let frame = median(
            (0..300)
                .map(|i| {
                    let dir = if i % 2 == 0 {
                        KeyCode::Right
                    } else {
                        KeyCode::Left
                    };
                    let start = Instant::now();
                    app.handle_key(key(dir), store);
                    term.draw(|f| app.draw(f)).unwrap();
                    start.elapsed()
                })
                .collect(),
        );
        println!("keystroke to frame, F4 outline, {w}x{h}: median {frame:.2?} (300 keys)");
    }
}
