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
