//! The car seen from above, front at the top: the panels a walk-around
//! marks, each with a three-letter code an advisor can type, and its place
//! on a 5-column grid. Moving with the arrows is a question of geometry
//! ([`Panel::towards`]), so the drawing and the keys never disagree.

use serde::{Deserialize, Serialize};

/// A direction of an arrow key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    Up,
    Down,
    Left,
    Right,
}

/// Where a panel sits: column and row of the grid, and how many columns it spans.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cell {
    pub col: u16,
    pub row: u16,
    pub span: u16,
}

macro_rules! panels {
    ($($v:ident = $code:literal, $name:literal, $zh:literal, $es:literal, ($c:literal, $r:literal, $s:literal)),+ $(,)?) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum Panel { $($v),+ }

        impl Panel {
            pub const ALL: &'static [Panel] = &[$(Panel::$v),+];

            pub fn code(self) -> &'static str {
                match self { $(Panel::$v => $code),+ }
            }

            pub fn name(self) -> &'static str {
                match self { $(Panel::$v => $name),+ }
            }

            pub fn name_zh(self) -> &'static str {
                match self { $(Panel::$v => $zh),+ }
            }

            pub fn name_es(self) -> &'static str {
                match self { $(Panel::$v => $es),+ }
            }

            /// The name in a catalogue's language ("en", "zh", "es").
            pub fn name_in(self, lang: &str) -> &'static str {
                match lang {
                    "zh" => self.name_zh(),
                    "es" => self.name_es(),
                    _ => self.name(),
                }
            }

            pub fn cell(self) -> Cell {
                match self { $(Panel::$v => Cell { col: $c, row: $r, span: $s }),+ }
            }
        }
    };
}

// Columns: 0 left outside (mirror, wheels), 1 left side, 2 middle, 3 right
// side, 4 right outside. Rows run from the front bumper to the rear, then
// the inside of the car below the outline.
panels! {
    FrontBumper = "FRB", "front bumper", "前保险杠", "paragolpes delantero", (1, 0, 3),
    FrontLeftWheel = "FLT", "front left wheel", "左前轮", "rueda delantera izquierda", (0, 1, 1),
    FrontLeftWing = "FLW", "front left wing", "左前翼子板", "aleta delantera izquierda", (1, 1, 1),
    Hood = "HOD", "hood", "发动机盖", "capó", (2, 1, 1),
    FrontRightWing = "FRW", "front right wing", "右前翼子板", "aleta delantera derecha", (3, 1, 1),
    FrontRightWheel = "FRT", "front right wheel", "右前轮", "rueda delantera derecha", (4, 1, 1),
    LeftMirror = "LMR", "left mirror", "左后视镜", "retrovisor izquierdo", (0, 2, 1),
    FrontLeftDoor = "FLD", "front left door", "左前门", "puerta delantera izquierda", (1, 2, 1),
    Windscreen = "WSH", "windscreen", "前挡风玻璃", "parabrisas", (2, 2, 1),
    FrontRightDoor = "FRD", "front right door", "右前门", "puerta delantera derecha", (3, 2, 1),
    RightMirror = "RMR", "right mirror", "右后视镜", "retrovisor derecho", (4, 2, 1),
    RearLeftDoor = "RLD", "rear left door", "左后门", "puerta trasera izquierda", (1, 3, 1),
    Roof = "ROF", "roof", "车顶", "techo", (2, 3, 1),
    RearRightDoor = "RRD", "rear right door", "右后门", "puerta trasera derecha", (3, 3, 1),
    RearLeftWheel = "RLT", "rear left wheel", "左后轮", "rueda trasera izquierda", (0, 4, 1),
    RearLeftQuarter = "RLQ", "rear left quarter", "左后翼子板", "aleta trasera izquierda", (1, 4, 1),
    RearGlass = "RGL", "rear glass", "后挡风玻璃", "luneta trasera", (2, 4, 1),
    RearRightQuarter = "RRQ", "rear right quarter", "右后翼子板", "aleta trasera derecha", (3, 4, 1),
    RearRightWheel = "RRT", "rear right wheel", "右后轮", "rueda trasera derecha", (4, 4, 1),
    Trunk = "TRK", "trunk", "行李箱盖", "portón del maletero", (1, 5, 3),
    RearBumper = "RRB", "rear bumper", "后保险杠", "paragolpes trasero", (1, 6, 3),
    Dashboard = "DSH", "dashboard and instruments", "仪表台", "salpicadero e instrumentos", (0, 7, 1),
    FrontSeats = "FST", "front seats", "前排座椅", "asientos delanteros", (1, 7, 1),
    RearSeats = "RST", "rear seats", "后排座椅", "asientos traseros", (2, 7, 1),
    Trim = "TRM", "interior trim and roof lining", "内饰顶棚", "tapicería y techo interior", (3, 7, 1),
    Cargo = "CRG", "cargo area", "后备箱内", "maletero", (4, 7, 1),
}

/// The grid's size: 5 columns, 8 rows (the last is the inside).
pub const COLUMNS: u16 = 5;
pub const ROWS: u16 = 8;
/// The first row of the inside (not part of the outline).
pub const INSIDE_ROW: u16 = 7;

impl Panel {
    /// From a typed code, in any case.
    pub fn from_code(code: &str) -> Option<Panel> {
        let code = code.trim();
        Panel::ALL
            .iter()
            .copied()
            .find(|p| p.code().eq_ignore_ascii_case(code))
    }

    /// Panels whose code starts with what has been typed so far.
    pub fn starting_with(prefix: &str) -> Vec<Panel> {
        Panel::ALL
            .iter()
            .copied()
            .filter(|p| {
                p.code().len() >= prefix.len()
                    && p.code()[..prefix.len()].eq_ignore_ascii_case(prefix)
            })
            .collect()
    }

    pub fn is_inside(self) -> bool {
        self.cell().row >= INSIDE_ROW
    }

    /// The centre of the panel in half-columns, so wide panels have one too.
    fn centre(self) -> (i32, i32) {
        let c = self.cell();
        (2 * c.col as i32 + c.span as i32, 2 * c.row as i32 + 1)
    }

    /// The nearest panel in that direction: the next row (or column) first,
    /// then the closest along it. At the edge it stays.
    pub fn towards(self, dir: Dir) -> Panel {
        let (x, y) = self.centre();
        let cell = self.cell();
        let ahead = |p: Panel| {
            let c = p.cell();
            match dir {
                Dir::Up => c.row < cell.row,
                Dir::Down => c.row > cell.row,
                Dir::Left => c.row == cell.row && c.col < cell.col,
                Dir::Right => c.row == cell.row && c.col > cell.col,
            }
        };
        Panel::ALL
            .iter()
            .copied()
            .filter(|p| ahead(*p))
            .min_by_key(|p| {
                let (px, py) = p.centre();
                let (along, across) = match dir {
                    Dir::Up | Dir::Down => ((py - y).abs(), (px - x).abs()),
                    Dir::Left | Dir::Right => ((px - x).abs(), (py - y).abs()),
                };
                (along, across, p.cell().col)
            })
            .unwrap_or(self)
    }
}
