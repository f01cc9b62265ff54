//! The rotation: who holds the secretariat in each future term. Pure and deterministic.
//!
//! Within each side, the least recently served eligible member goes first (never served before
//! ever served), ties broken by admission date, then name. So no organisation serves twice
//! before every eligible one of its side has served, and a newcomer joins the queue's front.

use std::collections::HashMap;

use chrono::{Months, NaiveDate};

use crate::membership::rules::Side;

/// An organisation that may hold the secretariat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub id: i64,
    pub name: String,
    pub side: Side,
    pub admitted_on: NaiveDate,
}

/// One term's holders: one per side, either may be empty when a side has nobody eligible.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Holders {
    pub civil_society: Option<i64>,
    pub governmental: Option<i64>,
}

impl Holders {
    pub fn ids(&self) -> impl Iterator<Item = i64> {
        [self.civil_society, self.governmental]
            .into_iter()
            .flatten()
    }

    pub fn get(&self, side: Side) -> Option<i64> {
        match side {
            Side::CivilSociety => self.civil_society,
            Side::Governmental => self.governmental,
        }
    }

    pub fn set(&mut self, side: Side, id: Option<i64>) {
        match side {
            Side::CivilSociety => self.civil_society = id,
            Side::Governmental => self.governmental = id,
        }
    }
}

/// A term as planned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedTerm {
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub holders: Holders,
}

/// Who served last, and when: built from the terms already fixed.
#[derive(Debug, Clone, Default)]
pub struct ServiceRecord {
    last_served: HashMap<i64, NaiveDate>,
}

impl ServiceRecord {
    pub fn served(&mut self, holders: &Holders, starts_on: NaiveDate) {
        for id in holders.ids() {
            let entry = self.last_served.entry(id).or_insert(starts_on);
            if *entry < starts_on {
                *entry = starts_on;
            }
        }
    }

    pub fn last_served(&self, id: i64) -> Option<NaiveDate> {
        self.last_served.get(&id).copied()
    }

    /// The next holder among `pool`: least recently served, then earliest admitted, then name.
    fn next<'a>(&self, pool: impl Iterator<Item = &'a Candidate>) -> Option<&'a Candidate> {
        pool.min_by(|a, b| {
            // None (never served) sorts before any date.
            self.last_served(a.id)
                .cmp(&self.last_served(b.id))
                .then(a.admitted_on.cmp(&b.admitted_on))
                .then(a.name.cmp(&b.name))
                .then(a.id.cmp(&b.id))
        })
    }
}

/// The holders of the next term. Paired: one per side. Unpaired: a single holder, chosen across
/// both sides by the same order.
pub fn next_holders(candidates: &[Candidate], record: &ServiceRecord, paired: bool) -> Holders {
    let mut holders = Holders {
        civil_society: None,
        governmental: None,
    };
    if paired {
        for side in [Side::CivilSociety, Side::Governmental] {
            let pick = record.next(candidates.iter().filter(|c| c.side == side));
            holders.set(side, pick.map(|c| c.id));
        }
    } else if let Some(pick) = record.next(candidates.iter()) {
        holders.set(pick.side, Some(pick.id));
    }
    holders
}

/// The start of the term after one starting at `starts_on`.
pub fn term_end(starts_on: NaiveDate, term_months: u32) -> NaiveDate {
    starts_on
        .checked_add_months(Months::new(term_months.max(1)))
        .unwrap_or(NaiveDate::MAX)
}

/// How the rotation is set up.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    pub first_start: NaiveDate,
    pub term_months: u32,
    /// How many terms are planned beyond today.
    pub horizon: usize,
    /// One holder per side (true), or one holder across both.
    pub paired: bool,
}

/// The rotation's plan, the one the service stores: term after term from the first start
/// until `shape.horizon` terms start after `today`. A kept term (started already, or pinned
/// by a swap or a replacement) stays as it is and counts as served; every other slot goes
/// to the members who served least recently. Returns every term, kept and new, in order.
pub fn plan(
    candidates: &[Candidate],
    kept: &[PlannedTerm],
    shape: Shape,
    today: NaiveDate,
) -> Vec<PlannedTerm> {
    let mut record = ServiceRecord::default();
    let mut terms = Vec::new();
    let mut starts_on = shape.first_start;
    let mut ahead = 0;
    while ahead < shape.horizon.max(1) {
        // Only terms that start after today count as "ahead"; the current one comes on top.
        if starts_on > today {
            ahead += 1;
        }
        let term = match kept.iter().find(|t| t.starts_on == starts_on) {
            Some(t) => t.clone(),
            None => PlannedTerm {
                starts_on,
                ends_on: term_end(starts_on, shape.term_months),
                holders: next_holders(candidates, &record, shape.paired),
            },
        };
        record.served(&term.holders, term.starts_on);
        starts_on = term.ends_on;
        terms.push(term);
    }
    terms
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    fn shape(first_start: NaiveDate, term_months: u32, horizon: usize, paired: bool) -> Shape {
        Shape {
            first_start,
            term_months,
            horizon,
            paired,
        }
    }

    fn candidate(id: i64, side: Side, admitted: NaiveDate) -> Candidate {
        Candidate {
            id,
            name: format!("Org {id:02}"),
            side,
            admitted_on: admitted,
        }
    }

    #[test]
    fn pairs_one_of_each_side_in_admission_order() {
        let c = vec![
            candidate(1, Side::CivilSociety, day(2020, 5, 1)),
            candidate(2, Side::CivilSociety, day(2020, 1, 1)),
            candidate(3, Side::Governmental, day(2021, 1, 1)),
            candidate(4, Side::Governmental, day(2019, 1, 1)),
        ];
        let terms = plan(
            &c,
            &[],
            shape(day(2026, 1, 1), 12, 4, true),
            day(2025, 12, 31),
        );
        let holders: Vec<(Option<i64>, Option<i64>)> = terms
            .iter()
            .map(|t| (t.holders.civil_society, t.holders.governmental))
            .collect();
        assert_eq!(
            holders,
            [
                (Some(2), Some(4)),
                (Some(1), Some(3)),
                (Some(2), Some(4)),
                (Some(1), Some(3))
            ]
        );
        assert_eq!(terms[1].starts_on, day(2027, 1, 1));
        assert_eq!(terms[1].ends_on, day(2028, 1, 1));
    }

    #[test]
    fn ties_on_admission_date_go_by_name() {
        let mut a = candidate(7, Side::CivilSociety, day(2020, 1, 1));
        a.name = "Zeta".into();
        let mut b = candidate(8, Side::CivilSociety, day(2020, 1, 1));
        b.name = "Alpha".into();
        let h = next_holders(&[a, b], &ServiceRecord::default(), true);
        assert_eq!(h.civil_society, Some(8));
        assert_eq!(
            h.governmental, None,
            "no governmental member: a single holder"
        );
    }

    /// Fairness over a 40-term horizon while members join and leave: within a side nobody
    /// serves a second time before every member present throughout has served once more.
    #[test]
    fn fair_over_forty_terms_with_members_joining_and_leaving() {
        let mut members: Vec<Candidate> = (1..=5)
            .map(|i| candidate(i, Side::CivilSociety, day(2018, 1, i as u32)))
            .chain(
                (11..=13).map(|i| candidate(i, Side::Governmental, day(2018, 2, (i - 10) as u32))),
            )
            .collect();
        // As the service runs: the terms begun so far are kept; the plan is made again the day
        // before each term starts, with the members of that day.
        let first = day(2026, 1, 1);
        let mut kept: Vec<PlannedTerm> = Vec::new();
        let mut start = first;
        let mut served: HashMap<i64, Vec<usize>> = HashMap::new();
        for term in 0..40 {
            if term == 10 {
                members.push(candidate(6, Side::CivilSociety, day(2030, 1, 1)));
            }
            if term == 20 {
                members.retain(|c| c.id != 2);
            }
            if term == 25 {
                members.push(candidate(14, Side::Governmental, day(2035, 1, 1)));
            }
            let today = start - chrono::Duration::days(1);
            let planned = plan(&members, &kept, shape(first, 6, 1, true), today);
            assert_eq!(
                planned.len(),
                kept.len() + 1,
                "kept terms stay, one is planned"
            );
            let t = planned.last().cloned().expect("the next term");
            kept.push(t.clone());
            for id in t.holders.ids() {
                served.entry(id).or_default().push(term);
            }
            assert!(t.holders.civil_society.is_some() && t.holders.governmental.is_some());
            start = t.ends_on;
        }
        // A newcomer serves at its first chance.
        assert_eq!(served[&6][0], 10);
        assert_eq!(served[&14][0], 25);
        // The one who left serves no more.
        assert!(served[&2].iter().all(|t| *t < 20));
        // Between two services of a member, every other member present the whole time served.
        for side_ids in [vec![1, 3, 4, 5], vec![11, 12, 13]] {
            for id in &side_ids {
                for pair in served[id].windows(2) {
                    for other in side_ids.iter().filter(|o| *o != id) {
                        assert!(
                            served[other].iter().any(|t| *t > pair[0] && *t < pair[1]),
                            "{id} served at {pair:?} before {other} served again"
                        );
                    }
                }
            }
            // Equal share: counts differ by at most one among members present throughout.
            let counts: Vec<usize> = side_ids.iter().map(|i| served[i].len()).collect();
            let (min, max) = (counts.iter().min().copied(), counts.iter().max().copied());
            assert!(max.zip(min).is_some_and(|(a, b)| a - b <= 1), "{counts:?}");
        }
    }

    #[test]
    fn unpaired_rotation_takes_one_holder_across_both_sides() {
        let c = vec![
            candidate(1, Side::CivilSociety, day(2020, 1, 1)),
            candidate(2, Side::Governmental, day(2019, 1, 1)),
        ];
        let terms = plan(
            &c,
            &[],
            shape(day(2026, 1, 1), 12, 3, false),
            day(2025, 12, 31),
        );
        let ids: Vec<Vec<i64>> = terms.iter().map(|t| t.holders.ids().collect()).collect();
        assert_eq!(ids, [vec![2], vec![1], vec![2]]);
    }
}
