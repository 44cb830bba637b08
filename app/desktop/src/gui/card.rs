//! The record card: every visible field laid out by type, clickable e-mails, phones and web
//! addresses, related records both ways, the photo, the record's events, and its history.

use super::controller::{Controller, with_controller};
use super::table::cell_text;
use super::text;
use super::ui::Card;
use super::ui::CardLine;
use super::worker::Session;
use cardbase_engine::{FieldType, RecordId, Value, Vault};
use slint::ComponentHandle as _;
use slint::{Image, ModelRc, Rgba8Pixel, SharedPixelBuffer, VecModel};
use std::rc::Rc;

/// A card as the worker prepares it (plain data, sent to the UI thread).
#[derive(Default)]
pub(super) struct CardData {
    title: String,
    subtitle: String,
    lines: Vec<(String, String, String)>,
    related: Vec<(String, String, String)>,
    history: Vec<String>,
    photo: Option<SharedPixelBuffer<Rgba8Pixel>>,
    events: Option<super::events::EventsData>,
}

fn link_for(kind: FieldType, value: &str) -> String {
    match kind {
        FieldType::Emails => format!("mailto:{value}"),
        FieldType::Phones => {
            let dial: String = cardbase_engine::search::fold(value)
                .chars()
                .filter(|c| c.is_ascii_digit() || *c == '+')
                .collect();
            format!("tel:{dial}")
        }
        FieldType::Urls if value.contains("://") => value.to_string(),
        FieldType::Urls => format!("https://{value}"),
        _ => String::new(),
    }
}

fn decode_photo(bytes: &[u8]) -> Option<SharedPixelBuffer<Rgba8Pixel>> {
    let img = image::load_from_memory(bytes).ok()?.thumbnail(480, 480).into_rgba8();
    Some(SharedPixelBuffer::clone_from_slice(
        img.as_raw(),
        img.width(),
        img.height(),
    ))
}

fn card_data(v: &Vault, id: i64) -> Option<CardData> {
    let record = v.record(RecordId(id)).ok()?;
    let section = v.section_of(record.id).ok()?.clone();
    let mut card = CardData {
        title: v.title(&record),
        subtitle: format!(
            "{} #{}{}",
            section.label,
            id,
            if record.deleted { " — in the bin" } else { "" }
        ),
        ..CardData::default()
    };
    for f in section.visible_fields() {
        let Some(value) = record.get(&f.key) else { continue };
        match (f.kind, value) {
            (FieldType::Photo, Value::Photo(pid)) => {
                card.photo = v.photo(*pid).ok().and_then(|(_, bytes)| decode_photo(&bytes));
            }
            (FieldType::Phones | FieldType::Emails | FieldType::Urls, Value::Items(items)) => {
                for item in items {
                    let label = if item.kind == "other" {
                        f.label.clone()
                    } else {
                        format!("{} ({})", f.label, item.kind)
                    };
                    card.lines
                        .push((label, item.value.clone(), link_for(f.kind, &item.value)));
                }
            }
            (FieldType::Relation, Value::Relation(target)) => {
                card.lines
                    .push((f.label.clone(), v.record_title(*target), format!("#{target}")));
            }
            _ => card
                .lines
                .push((f.label.clone(), cell_text(v, f, value).0, String::new())),
        }
    }
    card.events = super::events::events_data(v, record.id, &section.key);
    if let Ok((incoming, _)) = v.related(record.id) {
        for r in incoming {
            // Events planned on the record are listed (and open) in its Events block instead.
            if card.events.is_some() && r.section == "events" && r.field == "record" {
                continue;
            }
            let label = v
                .schema()
                .section(&r.section)
                .map(|s| s.label.clone())
                .unwrap_or(r.section);
            card.related.push((label, r.title, format!("#{}", r.id)));
        }
    }
    if let Ok(history) = v.history(record.id) {
        for c in history.iter().rev().take(20) {
            let at = c.at.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M");
            let what = match (&c.field, c.action.as_str()) {
                (Some(key), _) => {
                    let label = section.fields.iter().find(|f| &f.key == key).map(|f| f.label.clone());
                    format!("{} changed", label.unwrap_or_else(|| key.clone()))
                }
                (None, "create") => "created".to_string(),
                (None, "delete") => "moved to the bin".to_string(),
                (None, "restore") => "restored".to_string(),
                (None, other) => other.to_string(),
            };
            card.history.push(format!("{at}  {what}"));
        }
    }
    Some(card)
}

impl Controller {
    /// Shows the card of a record (or clears it).
    pub(super) fn load_card(self: &Rc<Self>, id: Option<i64>) {
        let Some(id) = id else {
            self.show_card(CardData::default());
            return;
        };
        self.read_worker().run_urgent(
            move |s: &mut Session| s.vault.as_ref().and_then(|v| card_data(v, id)),
            move |card| {
                with_controller(|c| {
                    // A newer selection may have replaced this one while it loaded.
                    let still = c.current.get().and_then(|r| c.rows.id_at(r)) == Some(id);
                    if let (Some(card), true) = (card, still) {
                        c.show_card(card);
                    }
                })
            },
        );
    }

    fn show_card(&self, card: CardData) {
        let line = |(label, value, link): (String, String, String)| CardLine {
            label: text::bidi_display(&label).into(),
            rtl: text::is_rtl(&value),
            value: text::bidi_display(&value).into(),
            link: link.into(),
        };
        self.show_events(card.events);
        self.app(|a| {
            a.global::<Card>().set_title_rtl(text::is_rtl(&card.title));
            a.global::<Card>().set_title(text::bidi_display(&card.title).into());
            a.global::<Card>().set_subtitle(card.subtitle.into());
            a.global::<Card>().set_has_photo(card.photo.is_some());
            a.global::<Card>()
                .set_photo(card.photo.map(Image::from_rgba8).unwrap_or_default());
            a.global::<Card>().set_lines(ModelRc::new(VecModel::from(
                card.lines.into_iter().map(line).collect::<Vec<_>>(),
            )));
            a.global::<Card>().set_related(ModelRc::new(VecModel::from(
                card.related.into_iter().map(line).collect::<Vec<_>>(),
            )));
            a.global::<Card>().set_history(ModelRc::new(VecModel::from(
                card.history
                    .into_iter()
                    .map(slint::SharedString::from)
                    .collect::<Vec<_>>(),
            )));
        });
    }
}
