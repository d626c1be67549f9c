//! Advice that follows from a style: how to inform a person, how to
//! negotiate with them, what to avoid, what they tend to do under stress
//! and what helps then, how to tell them bad news; and pairing advice from
//! the reader's own style to theirs.
//!
//! The advice is the "style flex" of Bolton and Bolton (*People Styles at
//! Work*, AMACOM, 1996): adapt your own behaviour to the other person's
//! style, a little along each axis where you differ. The stress behaviour
//! is their "back-up" behaviour (Driver autocratic, Expressive attacking,
//! Amiable acquiescing, Analytical avoiding), first described by Merrill
//! and Reid (1981). It is worded as hints for the reader to adapt, never
//! as a verdict on the person: a style describes what others see someone
//! do, not who they are.

use super::{DecisionStyle, Scores, Style, BORDERLINE};

/// The advice for one style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Guidance {
    pub inform: &'static str,
    pub negotiate: &'static str,
    pub avoid: &'static str,
    pub under_stress: &'static str,
    pub what_helps: &'static str,
    /// How to tell them news they will not like.
    pub bad_news: &'static str,
}

/// The advice for a style.
pub fn guidance(style: Style) -> Guidance {
    match style {
        Style::Driver => Guidance {
            inform: "Lead with the bottom line and what you need from them. Keep it short: options with their cost and date, and your recommendation.",
            negotiate: "Offer two or three options with their consequences and let them choose. Be businesslike and on time; tie your case to the results they want.",
            avoid: "Long background, small talk when they are pressed, vague answers, deciding for them.",
            under_stress: "May take control and decide alone, brushing others aside.",
            what_helps: "Give them a clear choice to make and a date; do not argue the past.",
            bad_news: "Say it in the first sentence, with the effect on cost and date and your plan. Bring options, not apologies.",
        },
        Style::Expressive => Guidance {
            inform: "Start with the big picture and what it means for their goals. Talk it through in person or by phone, then confirm the details in writing.",
            negotiate: "Link your proposal to their vision and to people they respect. Agree the headline together, then pin down the details in writing.",
            avoid: "Burying them in data, cutting them off, a cold or purely transactional tone, agreements left unwritten.",
            under_stress: "May speak out sharply, blame, or make it personal.",
            what_helps: "Let them say their piece without answering back, acknowledge the feeling, then turn to what can be done.",
            bad_news: "Tell them in person and early, with what it means for the bigger goal and who is on it; follow up in writing.",
        },
        Style::Amiable => Guidance {
            inform: "Start with a personal word. Say what it means for them and their people, give the next steps, and ask how they feel about it.",
            negotiate: "Build agreement step by step and in person; offer assurances and a clear plan. Ask for their view directly: silence may not mean yes.",
            avoid: "Pressing for a decision on the spot, combative language, taking their agreement for granted.",
            under_stress: "May go along outwardly while disagreeing inside.",
            what_helps: "Make it safe to disagree: ask what worries them, listen, and give them time.",
            bad_news: "Tell them privately and early; show you are with them and give the steps that protect their team and their standing.",
        },
        Style::Analytical => Guidance {
            inform: "Send the figures first, in writing, with the method and the assumptions. Be precise, and give them time to study before you meet.",
            negotiate: "Bring evidence, comparisons and the risks; be systematic. Expect questions and allow time to decide.",
            avoid: "Surprises, hype, figures rounded without saying so, pressure for a quick answer.",
            under_stress: "May withdraw: go quiet, delay, ask for more information.",
            what_helps: "Give them the facts in writing and a decision date that leaves time to think; answer every question fully.",
            bad_news: "Send the figures and their cause in writing, with how the new forecast was made, then offer to walk them through it.",
        },
    }
}

/// What a borderline placement adds: the style across each axis the
/// scores sit near may fit as well, named.
pub fn borderline_hint(style: Style, scores: Scores) -> String {
    let mut neighbours = Vec::new();
    if scores.assertiveness.abs() < BORDERLINE {
        neighbours.push(Style::of(!style.tells(), style.expressive()));
    }
    if scores.responsiveness.abs() < BORDERLINE {
        neighbours.push(Style::of(style.tells(), !style.expressive()));
    }
    let names: Vec<&str> = neighbours.iter().map(|s| s.label()).collect();
    format!(
        "The answers fall near the middle, so this {} placement is tentative: the {} advice may fit as well. Place them again after a few more meetings.",
        style.label(),
        names.join(" or the ")
    )
}

/// How to work with their way of deciding.
pub fn decision_hint(decision: DecisionStyle) -> &'static str {
    match decision {
        DecisionStyle::Alone => {
            "They decide alone: reach them before they decide, with what they need to decide well."
        }
        DecisionStyle::OneByOne => {
            "They consult people one by one: find out whom, and make sure each has what they need."
        }
        DecisionStyle::Group => {
            "They consult the group: send the material before the group meets, not only to them."
        }
        DecisionStyle::Consensus => {
            "They seek consensus: allow time for the group to agree; one person's yes is not the decision."
        }
    }
}

/// Pairing advice from the reader's style (`me`) to the other person's
/// (`them`): one hint per axis on which they differ, or, on the same
/// style, the blind spot two people of that style share.
pub fn pairing(me: Style, them: Style) -> Vec<&'static str> {
    let mut hints = Vec::new();
    match (me.tells(), them.tells()) {
        (true, false) => hints.push(
            "You tell, they ask: slow down, send the data first and leave room for their questions.",
        ),
        (false, true) => hints.push(
            "You ask, they tell: come to the point sooner, lead with your recommendation and be ready to decide.",
        ),
        _ => {}
    }
    match (me.expressive(), them.expressive()) {
        (false, true) => hints.push(
            "You keep feelings in, they show theirs: make time for the person before the task, and say how you see things, not only the facts.",
        ),
        (true, false) => hints.push(
            "You show feelings, they keep theirs: stick to the facts and the agenda, and keep the enthusiasm brief.",
        ),
        _ => {}
    }
    if me == them {
        hints.push(match me {
            Style::Driver => "You share their style: two people who like to decide can race each other; agree who decides what.",
            Style::Expressive => "You share their style: two people who like the big picture can leave details unwritten; write them down.",
            Style::Amiable => "You share their style: two people who value harmony can both avoid a hard subject; name it.",
            Style::Analytical => "You share their style: two people who like to be thorough can study too long; set a date to decide.",
        });
    }
    hints
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [Style; 4] = [
        Style::Driver,
        Style::Expressive,
        Style::Amiable,
        Style::Analytical,
    ];

    #[test]
    fn each_style_has_its_own_advice() {
        for a in ALL {
            for b in ALL {
                if a != b {
                    assert_ne!(guidance(a), guidance(b), "{a} {b}");
                }
            }
        }
    }

    /// The issue's own example: a teller pairing with an asker is told to
    /// slow down and send the data first.
    #[test]
    fn a_teller_meeting_an_asker_is_told_to_slow_down_and_send_the_data_first() {
        let hints = pairing(Style::Driver, Style::Analytical);
        assert_eq!(hints.len(), 1);
        assert!(hints[0].starts_with("You tell, they ask: slow down, send the data first"));
    }

    #[test]
    fn opposite_corners_differ_on_both_axes_and_get_two_hints() {
        assert_eq!(pairing(Style::Driver, Style::Amiable).len(), 2);
        assert_eq!(pairing(Style::Analytical, Style::Expressive).len(), 2);
        let hints = pairing(Style::Analytical, Style::Expressive);
        assert!(hints[0].starts_with("You ask, they tell"));
        assert!(hints[1].starts_with("You keep feelings in"));
    }

    /// Assertiveness +0.08 (near the middle), responsiveness −1: a
    /// tentative Driver whose neighbour across that axis is Analytical.
    #[test]
    fn a_tentative_placement_names_the_neighbouring_style() {
        let hint = borderline_hint(
            Style::Driver,
            Scores {
                assertiveness: 0.08,
                responsiveness: -1.0,
            },
        );
        assert!(
            hint.contains("the Analytical advice may fit as well"),
            "{hint}"
        );
    }

    #[test]
    fn the_same_style_gets_its_shared_blind_spot() {
        for style in ALL {
            let hints = pairing(style, style);
            assert_eq!(hints.len(), 1, "{style}");
            assert!(hints[0].starts_with("You share their style"), "{style}");
        }
    }

    /// Hints to adapt, never a verdict: no text calls the person a kind
    /// of person ("is a", "they are", "is difficult").
    #[test]
    fn the_advice_describes_behaviour_and_never_labels_the_person() {
        let mut texts: Vec<&str> = Vec::new();
        for style in ALL {
            let g = guidance(style);
            texts.extend([
                g.inform,
                g.negotiate,
                g.avoid,
                g.under_stress,
                g.what_helps,
                g.bad_news,
            ]);
            for other in ALL {
                texts.extend(pairing(style, other));
            }
        }
        for text in texts {
            for verdict in [" is a ", "they are a", "difficult", "lazy", "weak"] {
                assert!(!text.contains(verdict), "{text}");
            }
        }
    }
}
