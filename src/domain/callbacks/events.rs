//! The callback queue's audit lines, in words (see `domain::audit`).

use super::contact::Contact;
use super::plan::SweepReport;
use super::Status;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallEvent {
    /// The rules ran: what they added, moved and withdrew.
    Swept(SweepReport),
    Claimed {
        kind: &'static str,
    },
    Released {
        kind: &'static str,
    },
    Contact {
        kind: &'static str,
        contact: Contact,
        status: Status,
    },
    /// The customer asked not to be contacted again.
    DoNotContact,
    ComplaintOpened {
        description: String,
        source: &'static str,
    },
    ComplaintResolved {
        resolution: String,
        satisfied: Option<bool>,
    },
    CampaignImported {
        code: String,
        vins: usize,
        matched: usize,
    },
    /// A back-ordered part: ordered, arrived or collected.
    PartOrder {
        what: &'static str,
        description: String,
    },
}

impl CallEvent {
    pub fn entity(&self) -> &'static str {
        match self {
            CallEvent::DoNotContact => "customer",
            CallEvent::ComplaintOpened { .. } | CallEvent::ComplaintResolved { .. } => "complaint",
            CallEvent::CampaignImported { .. } => "campaign",
            CallEvent::PartOrder { .. } => "part_order",
            _ => "callback",
        }
    }

    pub fn action(&self) -> &'static str {
        match self {
            CallEvent::Swept(_) => "sweep",
            CallEvent::Claimed { .. } => "claim",
            CallEvent::Released { .. } => "release",
            CallEvent::Contact { .. } => "contact",
            CallEvent::DoNotContact => "do_not_contact",
            CallEvent::ComplaintOpened { .. } => "create",
            CallEvent::ComplaintResolved { .. } => "resolve",
            CallEvent::CampaignImported { .. } => "import",
            CallEvent::PartOrder { what, .. } => what,
        }
    }

    pub fn detail(&self) -> String {
        match self {
            CallEvent::Swept(r) => format!(
                "{} added, {} moved, {} withdrawn, {} complaints escalated",
                r.added, r.moved, r.withdrawn, r.escalated
            ),
            CallEvent::Claimed { kind } | CallEvent::Released { kind } => kind.to_string(),
            CallEvent::Contact {
                kind,
                contact: c,
                status,
            } => {
                let mut s = format!(
                    "{kind}: {} by {}; {}",
                    c.outcome.code(),
                    c.channel.code(),
                    status.words()
                );
                if let Some(n) = c.score {
                    s.push_str(&format!("; satisfaction {n}/5"));
                }
                if c.appointment {
                    s.push_str("; appointment requested");
                }
                if !c.notes.is_empty() {
                    s.push_str(&format!("; {}", c.notes));
                }
                s
            }
            CallEvent::DoNotContact => "do not contact".into(),
            CallEvent::ComplaintOpened {
                description,
                source,
            } => format!("from {source}: {description}"),
            CallEvent::ComplaintResolved {
                resolution,
                satisfied,
            } => {
                let s = match satisfied {
                    Some(true) => "satisfied",
                    Some(false) => "not satisfied",
                    None => "satisfaction not asked",
                };
                format!("{resolution} ({s})")
            }
            CallEvent::PartOrder { description, .. } => description.clone(),
            CallEvent::CampaignImported {
                code,
                vins,
                matched,
            } => {
                format!("{code}: {vins} VINs, {matched} of them our customers' cars")
            }
        }
    }
}
