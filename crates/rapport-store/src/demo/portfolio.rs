//! What the demo portfolio is: its client accounts with their standards
//! and people, the firm's people, and each project's budget, length, team
//! and health. How the numbers and the history are generated from this is
//! in the parent module.

pub(super) struct AccountSpec {
    pub(super) name: &'static str,
    pub(super) industry: &'static str,
    pub(super) standards: &'static [(&'static str, &'static str)],
    pub(super) people: &'static [(&'static str, &'static str, &'static str)],
}

pub(super) const ACCOUNTS: &[AccountSpec] = &[
    AccountSpec {
        name: "Northwind Water Authority",
        industry: "Water utility",
        standards: &[
            (
                "Weekly written status",
                "A one-page status e-mail to the client rep every Friday by noon.",
            ),
            (
                "Permit to work",
                "No site work without a signed permit-to-work from operations.",
            ),
            (
                "Change control",
                "Any change above $10,000 needs a signed change request before work starts.",
            ),
        ],
        people: &[
            (
                "Dana Whitfield",
                "Head of Capital Projects",
                "dana.whitfield@northwind-water.example",
            ),
            (
                "Marcus Oyelaran",
                "Operations Manager",
                "marcus.oyelaran@northwind-water.example",
            ),
            (
                "Ingrid Solberg",
                "Finance Controller",
                "ingrid.solberg@northwind-water.example",
            ),
            (
                "Tomás Ferreira",
                "SCADA Lead",
                "tomas.ferreira@northwind-water.example",
            ),
            (
                "Ruth Abernathy",
                "Chief Engineer",
                "ruth.abernathy@northwind-water.example",
            ),
        ],
    },
    AccountSpec {
        name: "Helios Logistics",
        industry: "Freight and warehousing",
        standards: &[
            (
                "Their report template",
                "Status reports in Helios's own template, as PDF.",
            ),
            (
                "Peak-season freeze",
                "No production changes from 15 November to 5 January.",
            ),
            (
                "Security review",
                "Every new integration passes their security architecture review.",
            ),
        ],
        people: &[
            (
                "Priyanka Raman",
                "Director of IT Delivery",
                "priyanka.raman@helios.example",
            ),
            (
                "Graham Keller",
                "Warehouse Operations Lead",
                "graham.keller@helios.example",
            ),
            (
                "Aiko Tanaka",
                "Security Architect",
                "aiko.tanaka@helios.example",
            ),
            ("Luis Medina", "Procurement", "luis.medina@helios.example"),
        ],
    },
    AccountSpec {
        name: "Meridian Health Trust",
        industry: "Healthcare",
        standards: &[
            (
                "Clinical safety sign-off",
                "The clinical safety officer signs off every release.",
            ),
            ("Data residency", "Patient data never leaves the region."),
            (
                "Steering pack",
                "Monthly steering committee pack circulated three working days ahead.",
            ),
        ],
        people: &[
            (
                "Dr. Helen Okafor",
                "Chief Clinical Information Officer",
                "helen.okafor@meridian.example",
            ),
            (
                "Simon Grady",
                "Programme Director",
                "simon.grady@meridian.example",
            ),
            (
                "Fatima Zahra",
                "Clinical Safety Officer",
                "fatima.zahra@meridian.example",
            ),
            (
                "Owen Pritchard",
                "Estates Manager",
                "owen.pritchard@meridian.example",
            ),
        ],
    },
    AccountSpec {
        name: "Caldera Mining",
        industry: "Mining",
        standards: &[
            (
                "Site induction",
                "Everyone on site completes the Caldera induction first.",
            ),
            (
                "Fixed-price variations",
                "Variations are quoted fixed-price, never time and materials.",
            ),
        ],
        people: &[
            (
                "Bronwyn Hale",
                "Asset Manager",
                "bronwyn.hale@caldera.example",
            ),
            (
                "Kwame Asante",
                "Site Superintendent",
                "kwame.asante@caldera.example",
            ),
            (
                "Elena Vasquez",
                "Commercial Manager",
                "elena.vasquez@caldera.example",
            ),
        ],
    },
];

pub(super) const FIRM_PEOPLE: &[(&str, &str, &str)] = &[
    (
        "Priya Nair",
        "Senior Project Manager",
        "priya.nair@rapport-demo.example",
    ),
    (
        "Jonas Becker",
        "Project Manager",
        "jonas.becker@rapport-demo.example",
    ),
    (
        "Chloé Martin",
        "Project Manager",
        "chloe.martin@rapport-demo.example",
    ),
    (
        "Sam Whitaker",
        "Lead Engineer",
        "sam.whitaker@rapport-demo.example",
    ),
    (
        "Mei Lin",
        "Controls Engineer",
        "mei.lin@rapport-demo.example",
    ),
    (
        "Rafael Costa",
        "Solution Architect",
        "rafael.costa@rapport-demo.example",
    ),
    (
        "Hannah Stewart",
        "Account Lead",
        "hannah.stewart@rapport-demo.example",
    ),
];

/// How a project performs month by month.
#[derive(Clone, Copy)]
pub(super) enum Health {
    /// CPI and SPI(t) near 1 throughout.
    Healthy,
    /// Cost runs over; schedule fine.
    Overrunning,
    /// Schedule slips; cost fine.
    Slipping,
    /// Bad start, corrective action, improving indices.
    Recovering,
    /// Over and late.
    Troubled,
    /// Ahead of schedule and under cost.
    Ahead,
    /// All work earned by the last status.
    Finished,
}

impl Health {
    /// (CPI, SPI(t)) after `k` of `n` status months.
    pub(super) fn indices(self, k: usize, n: usize) -> (f64, f64) {
        let progress = k as f64 / n as f64;
        match self {
            Health::Healthy => (1.02 - 0.01 * progress, 0.99 + 0.01 * progress),
            Health::Overrunning => (0.95 - 0.1 * progress, 0.98),
            Health::Slipping => (1.01, 0.95 - 0.15 * progress),
            Health::Recovering => (0.84 + 0.13 * progress, 0.82 + 0.14 * progress),
            Health::Troubled => (0.9 - 0.08 * progress, 0.9 - 0.12 * progress),
            Health::Ahead => (1.06, 1.1),
            Health::Finished => (0.97, 0.93),
        }
    }
}

pub(super) struct ProjectSpec {
    pub(super) account: usize,
    pub(super) name: &'static str,
    pub(super) code: &'static str,
    pub(super) pm: usize,
    pub(super) rep: usize,
    pub(super) bac: i64,
    pub(super) currency: &'static str,
    pub(super) months: u32,
    /// Months from the project start to the first of this month.
    pub(super) started_months_ago: u32,
    pub(super) health: Health,
    pub(super) stakeholders: &'static [(usize, &'static str)],
    /// Firm-side people on the team (indexes into `FIRM_PEOPLE`) and their
    /// role: what makes a member see the project.
    pub(super) team: &'static [(usize, &'static str)],
}

pub(super) const PROJECTS: &[ProjectSpec] = &[
    ProjectSpec {
        account: 0,
        name: "Pump station retrofit",
        code: "NW-PS3",
        pm: 0,
        rep: 0,
        bac: 420_000,
        currency: "USD",
        months: 10,
        started_months_ago: 7,
        health: Health::Overrunning,
        stakeholders: &[(1, "Operations sign-off"), (2, "Budget holder")],
        team: &[(3, "Lead engineer"), (4, "Controls engineer")],
    },
    ProjectSpec {
        account: 0,
        name: "SCADA modernisation",
        code: "NW-SC1",
        pm: 1,
        rep: 3,
        bac: 1_150_000,
        currency: "USD",
        months: 14,
        started_months_ago: 8,
        health: Health::Slipping,
        stakeholders: &[(4, "Technical authority")],
        team: &[(4, "Controls engineer")],
    },
    ProjectSpec {
        account: 0,
        name: "Leak detection pilot",
        code: "NW-LD",
        pm: 2,
        rep: 1,
        bac: 185_000,
        currency: "USD",
        months: 7,
        started_months_ago: 8,
        health: Health::Finished,
        stakeholders: &[],
        team: &[],
    },
    ProjectSpec {
        account: 1,
        name: "Warehouse management integration",
        code: "HL-WMS",
        pm: 0,
        rep: 0,
        bac: 760_000,
        currency: "EUR",
        months: 12,
        started_months_ago: 7,
        health: Health::Recovering,
        stakeholders: &[(2, "Security review"), (3, "Commercial contact")],
        team: &[(5, "Solution architect")],
    },
    ProjectSpec {
        account: 1,
        name: "Yard telemetry rollout",
        code: "HL-YT",
        pm: 1,
        rep: 1,
        bac: 310_000,
        currency: "EUR",
        months: 8,
        started_months_ago: 6,
        health: Health::Healthy,
        stakeholders: &[],
        team: &[],
    },
    ProjectSpec {
        account: 2,
        name: "Theatre scheduling system",
        code: "MH-TS",
        pm: 2,
        rep: 1,
        bac: 890_000,
        currency: "GBP",
        months: 12,
        started_months_ago: 9,
        health: Health::Troubled,
        stakeholders: &[(0, "Clinical sponsor"), (2, "Clinical safety")],
        team: &[(3, "Lead engineer")],
    },
    ProjectSpec {
        account: 2,
        name: "Energy centre controls upgrade",
        code: "MH-EC",
        pm: 0,
        rep: 3,
        bac: 240_000,
        currency: "GBP",
        months: 9,
        started_months_ago: 6,
        health: Health::Ahead,
        stakeholders: &[],
        team: &[],
    },
    ProjectSpec {
        account: 3,
        name: "Conveyor condition monitoring",
        code: "CM-CV",
        pm: 1,
        rep: 0,
        bac: 530_000,
        currency: "AUD",
        months: 10,
        started_months_ago: 6,
        health: Health::Healthy,
        stakeholders: &[(2, "Commercial approvals")],
        team: &[],
    },
    ProjectSpec {
        account: 3,
        name: "Tailings dam instrumentation",
        code: "CM-TD",
        pm: 2,
        rep: 1,
        bac: 670_000,
        currency: "AUD",
        months: 11,
        started_months_ago: 7,
        health: Health::Slipping,
        stakeholders: &[(0, "Asset owner")],
        team: &[],
    },
];

pub(super) fn comment_for(health: Health, k: usize, n: usize) -> Option<&'static str> {
    if k != n {
        return None;
    }
    Some(match health {
        Health::Healthy => "On plan. Next milestone on track.",
        Health::Overrunning => {
            "Pump vendor price increase and extra night shifts; change request in preparation."
        }
        Health::Slipping => {
            "Vendor hardware delivery slipped three weeks; resequencing installation."
        }
        Health::Recovering => {
            "Recovery plan working: second integration team on board since last month."
        }
        Health::Troubled => {
            "Clinical workflow redesign expanded scope; re-baseline proposal to steering committee."
        }
        Health::Ahead => "Early access to the plant room let commissioning start ahead of plan.",
        Health::Finished => "Pilot complete and handed over; final report accepted.",
    })
}

/// A demo behaviour profile: who (an account's person, or a firm person
/// when `account` is `None`), who observed them (a firm person), the
/// questionnaire's answers in its order (assertiveness and responsiveness
/// interleaved, as `QUESTIONNAIRE` lists them) or a style named directly,
/// and their preferences.
pub(super) struct ProfileSpec {
    pub(super) account: Option<usize>,
    pub(super) person: usize,
    pub(super) assessor: usize,
    pub(super) answers: Option<[u8; 12]>,
    pub(super) style: Option<&'static str>,
    pub(super) decision: &'static str,
    pub(super) channel: &'static str,
    pub(super) cadence_days: i64,
    pub(super) detail: &'static str,
    pub(super) wants: &'static str,
}

pub(super) const PROFILES: &[ProfileSpec] = &[
    // Dana Whitfield, Priya's client rep on the pump station: asks,
    // controlled — Analytical. Priya (a Driver) gets "slow down, send the
    // data first".
    ProfileSpec {
        account: Some(0),
        person: 0,
        assessor: 0,
        answers: Some([2, 2, 2, 1, 1, 1, 2, 2, 3, 1, 2, 2]),
        style: None,
        decision: "consults_the_group",
        channel: "email",
        cadence_days: 7,
        detail: "full",
        wants: "To take a retrofit to her board that was bought on honest numbers.",
    },
    // Marcus Oyelaran, operations: named directly by Priya.
    ProfileSpec {
        account: Some(0),
        person: 1,
        assessor: 0,
        answers: None,
        style: Some("expressive"),
        decision: "consults_one_by_one",
        channel: "visit",
        cadence_days: 14,
        detail: "summary",
        wants: "Operations seen as partners in the retrofit, not an afterthought.",
    },
    // Priyanka Raman, Priya's rep at Helios: tells, controlled — Driver.
    ProfileSpec {
        account: Some(1),
        person: 0,
        assessor: 0,
        answers: Some([5, 2, 4, 1, 5, 2, 4, 2, 4, 3, 5, 1]),
        style: None,
        decision: "decides_alone",
        channel: "call",
        cadence_days: 14,
        detail: "headline",
        wants: "The warehouse live before peak season, so her director sees it run.",
    },
    // Owen Pritchard, Priya's rep at Meridian: asks, a little expressive —
    // Amiable, but near the axis (borderline).
    ProfileSpec {
        account: Some(2),
        person: 3,
        assessor: 0,
        answers: Some([2, 4, 3, 3, 2, 3, 3, 3, 3, 3, 2, 4]),
        style: None,
        decision: "seeks_consensus",
        channel: "meeting",
        cadence_days: 14,
        detail: "summary",
        wants: "No disruption for the estates staff he speaks for.",
    },
    // Priya herself, observed by Hannah (the account lead): Driver.
    ProfileSpec {
        account: None,
        person: 0,
        assessor: 6,
        answers: Some([4, 2, 4, 2, 5, 1, 4, 2, 3, 2, 4, 3]),
        style: None,
        decision: "decides_alone",
        channel: "call",
        cadence_days: 14,
        detail: "headline",
        wants: "A second project with Northwind.",
    },
];
