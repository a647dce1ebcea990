//! Conversions from view-model data to the Slint rows several pages share, and the row-by-row
//! model update every page uses.

use slint::{Model, VecModel};

use crate::ui;
use crate::view::EventLine;

/// Replaces a model's rows, touching only rows that changed when the length is the same, so a
/// list being read does not jump and unchanged rows do not redraw.
pub fn update<T: Clone + PartialEq + 'static>(model: &VecModel<T>, rows: Vec<T>) {
    if model.row_count() == rows.len() {
        for (i, row) in rows.into_iter().enumerate() {
            if model.row_data(i).as_ref() != Some(&row) {
                model.set_row_data(i, row);
            }
        }
    } else {
        model.set_vec(rows);
    }
}

pub fn color((r, g, b): (u8, u8, u8)) -> slint::Color {
    slint::Color::from_rgb_u8(r, g, b)
}

/// One line of an event list (home, schedule, station).
pub fn event_row(line: &EventLine) -> ui::EventRow {
    ui::EventRow {
        key: line.key.as_str().into(),
        is_header: line.is_header,
        day: line.day.as_str().into(),
        dated: line.dated,
        time: line.time.as_str().into(),
        title: line.title.as_str().into(),
        place: line.place.as_str().into(),
        seats: line.seats.as_str().into(),
        signup_open: line.signup_open,
        accent: color(line.accent),
    }
}

/// Filter or picker chips from `(id, label, selected)`.
pub fn chips(items: &[(String, String, bool)]) -> Vec<ui::ChipItem> {
    items
        .iter()
        .map(|(id, label, selected)| ui::ChipItem {
            id: id.as_str().into(),
            label: label.as_str().into(),
            selected: *selected,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn update_keeps_unchanged_rows_and_replaces_on_a_new_length() {
        let model = VecModel::from(vec![1, 2, 3]);
        update(&model, vec![1, 5, 3]);
        assert_eq!(model.iter().collect::<Vec<_>>(), [1, 5, 3]);
        update(&model, vec![7]);
        assert_eq!(model.iter().collect::<Vec<_>>(), [7]);
    }
}
