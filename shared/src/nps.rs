//! Net Promoter Score: "how likely are you to recommend us", 0–10, asked once per fulfilled order.

use serde::{Deserialize, Serialize};

/// Longest follow-up answer accepted, in characters.
pub const MAX_REASON_CHARS: usize = 1000;

/// Scores at or below this are detractors, who are asked one follow-up question.
pub const DETRACTOR_MAX: u8 = 6;

/// A checked score.
pub fn parse_score(raw: i64) -> Option<u8> {
    u8::try_from(raw).ok().filter(|s| *s <= 10)
}

/// Whether the follow-up question ("what should we do better?") is asked.
pub fn asks_follow_up(score: u8) -> bool {
    score <= DETRACTOR_MAX
}

/// The follow-up answer, trimmed; `None` when it is too long or has control characters other than newlines.
pub fn parse_reason(raw: &str) -> Option<String> {
    let t = raw.trim();
    (t.chars().count() <= MAX_REASON_CHARS && !t.chars().any(|c| c.is_control() && c != '\n')).then(|| t.to_owned())
}

/// Promoters (9–10), passives (7–8), detractors (0–6) and the score: % promoters − % detractors,
/// rounded to a whole number; 0 with no answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct NpsTally {
    pub promoters: u32,
    pub passives: u32,
    pub detractors: u32,
    pub score: i32,
}

pub fn tally(scores: &[u8]) -> NpsTally {
    let promoters = scores.iter().filter(|s| **s >= 9).count() as u32;
    let detractors = scores.iter().filter(|s| **s <= DETRACTOR_MAX).count() as u32;
    let passives = scores.len() as u32 - promoters - detractors;
    let n = scores.len() as i64;
    let score = if n == 0 { 0 } else { ((i64::from(promoters) - i64::from(detractors)) * 200 + n).div_euclid(2 * n) as i32 };
    NpsTally { promoters, passives, detractors, score }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_are_whole_numbers_from_0_to_10() {
        assert_eq!(parse_score(0), Some(0));
        assert_eq!(parse_score(10), Some(10));
        assert_eq!(parse_score(11), None);
        assert_eq!(parse_score(-1), None);
    }

    #[test]
    fn only_detractors_get_the_follow_up_question() {
        assert!(asks_follow_up(6));
        assert!(!asks_follow_up(7));
    }

    #[test]
    fn nps_is_percent_promoters_minus_percent_detractors() {
        let t = tally(&[10, 9, 9, 8, 7, 3, 0]);
        assert_eq!((t.promoters, t.passives, t.detractors), (3, 2, 2));
        assert_eq!(t.score, 14, "3/7 − 2/7 = 14.3%");
        assert_eq!(tally(&[0]).score, -100);
        assert_eq!(tally(&[]).score, 0);
    }
}
