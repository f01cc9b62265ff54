//! The questionnaire's results, pure: per item the number of answers, the mean rating and
//! the distribution; per theme the mean of its ratings; the governmental and civil-society
//! sides side by side; themes under 3 flagged as concerns, 4 or more as strengths; open
//! answers listed without names. No cell rests on fewer than three answers.

use serde::Serialize;

use super::questionnaire::{AnswerRow, Item};

/// The fewest answers a figure may rest on.
pub const SMALLEST_CELL: usize = 3;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemResult {
    pub item_id: i64,
    pub theme: String,
    pub kind: String,
    pub text: String,
    pub answers: usize,
    /// Ratings: the mean, of all and of each side (None under three answers).
    pub mean: Option<f64>,
    pub governmental: Option<f64>,
    pub civil_society: Option<f64>,
    /// (label, count) of each rating 1..5 or each choice; empty under three answers.
    pub distribution: Vec<(String, usize)>,
    /// Open answers, in no particular order, under three answers none.
    pub open: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThemeResult {
    pub theme: String,
    pub mean: Option<f64>,
    pub governmental: Option<f64>,
    pub civil_society: Option<f64>,
    /// "concern" (under 3), "strength" (4 or more), or "".
    pub flag: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Results {
    pub responses: usize,
    pub items: Vec<ItemResult>,
    pub themes: Vec<ThemeResult>,
}

fn mean(values: &[i32]) -> Option<f64> {
    (values.len() >= SMALLEST_CELL).then(|| {
        (values.iter().map(|v| f64::from(*v)).sum::<f64>() / values.len() as f64 * 10.0).round()
            / 10.0
    })
}

/// From the items and every answer (response key, side, item id, rating, answer).
pub fn compute(items: &[Item], answers: &[AnswerRow]) -> Results {
    let mut responses: Vec<&str> = answers.iter().map(|a| a.0.as_str()).collect();
    responses.sort_unstable();
    responses.dedup();
    let mut out = Vec::new();
    for item in items {
        let of: Vec<&AnswerRow> = answers.iter().filter(|a| a.2 == item.id).collect();
        let ratings = |side: Option<&str>| -> Vec<i32> {
            of.iter()
                .filter(|a| side.is_none_or(|s| a.1 == s))
                .filter_map(|a| a.3)
                .collect()
        };
        let enough = of.len() >= SMALLEST_CELL;
        let distribution = if !enough {
            Vec::new()
        } else if item.kind == "rating" {
            (1..=5)
                .map(|r| {
                    (
                        r.to_string(),
                        ratings(None).iter().filter(|v| **v == r).count(),
                    )
                })
                .collect()
        } else if item.kind == "open" {
            Vec::new()
        } else {
            item.choice_list()
                .iter()
                .map(|c| {
                    (
                        c.to_string(),
                        of.iter().filter(|a| a.4.lines().any(|l| l == *c)).count(),
                    )
                })
                .collect()
        };
        let mut open: Vec<String> = if enough && item.kind == "open" {
            of.iter().map(|a| a.4.clone()).collect()
        } else {
            Vec::new()
        };
        open.sort();
        out.push(ItemResult {
            item_id: item.id,
            theme: item.theme.clone(),
            kind: item.kind.clone(),
            text: item.text.clone(),
            answers: of.len(),
            mean: mean(&ratings(None)),
            governmental: mean(&ratings(Some("governmental"))),
            civil_society: mean(&ratings(Some("civil_society"))),
            distribution,
            open,
        });
    }
    let mut themes: Vec<String> = Vec::new();
    for item in items {
        if !themes.contains(&item.theme) {
            themes.push(item.theme.clone());
        }
    }
    let themes = themes
        .into_iter()
        .filter_map(|theme| {
            let ids: Vec<i64> = items
                .iter()
                .filter(|i| i.theme == theme && i.kind == "rating")
                .map(|i| i.id)
                .collect();
            if ids.is_empty() {
                return None;
            }
            let ratings = |side: Option<&str>| -> Vec<i32> {
                answers
                    .iter()
                    .filter(|a| ids.contains(&a.2) && side.is_none_or(|s| a.1 == s))
                    .filter_map(|a| a.3)
                    .collect()
            };
            let all = mean(&ratings(None));
            let flag = match all {
                Some(m) if m < 3.0 => "concern",
                Some(m) if m >= 4.0 => "strength",
                _ => "",
            };
            Some(ThemeResult {
                theme,
                mean: all,
                governmental: mean(&ratings(Some("governmental"))),
                civil_society: mean(&ratings(Some("civil_society"))),
                flag: flag.into(),
            })
        })
        .collect();
    Results {
        responses: responses.len(),
        items: out,
        themes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: i64, theme: &str, kind: &str, choices: &str) -> Item {
        Item {
            id,
            evaluation_id: 1,
            position: id as i32,
            theme: theme.into(),
            kind: kind.into(),
            text: format!("Item {id}"),
            choices: choices.into(),
        }
    }

    fn a(response: &str, side: &str, item: i64, rating: Option<i32>, answer: &str) -> AnswerRow {
        (response.into(), side.into(), item, rating, answer.into())
    }

    #[test]
    fn means_distributions_and_flags_rest_on_three_answers_or_more() {
        let items = vec![
            item(1, "Trust", "rating", ""),
            item(2, "Trust", "single", "Yes\nNo"),
            item(3, "Ways", "open", ""),
            item(4, "Meetings", "rating", ""),
        ];
        let answers = vec![
            a("r1", "governmental", 1, Some(2), ""),
            a("r2", "governmental", 1, Some(2), ""),
            a("r3", "governmental", 1, Some(3), ""),
            a("r4", "civil_society", 1, Some(5), ""),
            a("r5", "civil_society", 1, Some(4), ""),
            a("r1", "governmental", 2, None, "Yes"),
            a("r2", "governmental", 2, None, "No"),
            a("r4", "civil_society", 2, None, "Yes"),
            a("r1", "governmental", 3, None, "More field visits."),
            a("r4", "civil_society", 3, None, "Shorter plenaries."),
            a("r1", "governmental", 4, Some(5), ""),
            a("r2", "governmental", 4, Some(4), ""),
            a("r3", "governmental", 4, Some(4), ""),
        ];
        let r = compute(&items, &answers);
        assert_eq!(r.responses, 5);
        let trust = &r.items[0];
        assert_eq!(trust.mean, Some(3.2));
        assert_eq!(trust.governmental, Some(2.3));
        assert_eq!(
            trust.civil_society, None,
            "two civil-society answers: not shown"
        );
        assert_eq!(
            trust.distribution,
            vec![
                ("1".into(), 0),
                ("2".into(), 2),
                ("3".into(), 1),
                ("4".into(), 1),
                ("5".into(), 1)
            ]
        );
        assert_eq!(
            r.items[1].distribution,
            vec![("Yes".into(), 2), ("No".into(), 1)]
        );
        assert!(r.items[2].open.is_empty(), "two open answers: not listed");
        assert_eq!(r.themes.len(), 2, "a theme without ratings has no score");
        assert_eq!(
            (r.themes[0].mean, r.themes[0].flag.as_str()),
            (Some(3.2), "")
        );
        assert_eq!(
            (r.themes[1].mean, r.themes[1].flag.as_str()),
            (Some(4.3), "strength")
        );
        let low = compute(&items[..1], &answers[..3]);
        assert_eq!(low.themes[0].flag, "concern");
    }
}
