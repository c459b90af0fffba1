//! The sales organisation and the customer accounts: managers over reps, reps over regional
//! territories, and each customer's segment, region, owner, size, cadence and discount.

use rand::distr::weighted::WeightedIndex;
use rand::Rng;
use rand_distr::Distribution;

use super::catalogue::{SEGMENTS, SEGMENT_SHARE};
use super::config::SynthConfig;
use super::random::{chance, day_in, lognormal, normal, pick_weighted, stream, uniform, Stream};
use super::world::World;
use crate::day::Day;
use crate::model::{CustomerRow, RepRow};

/// The sales regions; every rep covers one.
pub(crate) const REGIONS: [&str; 5] = ["North", "South", "East", "West", "Center"];
const REGION_SHARE: [f64; 5] = [0.22, 0.20, 0.18, 0.18, 0.22];

/// Median days between orders per segment: restaurants restock fresh goods weekly, plants
/// buy every two to three weeks.
const CADENCE_MEDIAN: [f64; 5] = [10.0, 7.0, 16.0, 12.0, 14.0];
/// Mean negotiated discount per segment.
const SEGMENT_DISCOUNT: [f64; 5] = [0.05, 0.07, 0.09, 0.06, 0.10];

const FIRST_EN: [&str; 16] = [
    "Alex", "Sam", "Jordan", "Taylor", "Morgan", "Chris", "Jamie", "Robin", "Casey", "Drew",
    "Emma", "Liam", "Olivia", "Noah", "Ava", "Lucas",
];
const LAST_EN: [&str; 16] = [
    "Smith", "Jones", "Taylor", "Brown", "Wilson", "Evans", "Clarke", "Walker", "Wright", "Green",
    "Hall", "Wood", "Harris", "Martin", "Cooper", "King",
];
const FIRST_HE: [&str; 8] = [
    "Noa", "Yossi", "Tamar", "Avi", "Maya", "Eitan", "Shira", "Omer",
];
const LAST_HE: [&str; 8] = [
    "Cohen", "Levi", "Mizrahi", "Peretz", "Biton", "Dahan", "Friedman", "Katz",
];
/// Share of reps who read their brief in Hebrew.
const HEBREW_SHARE: f64 = 0.1;

const PLACES: [&str; 24] = [
    "Oakridge",
    "Riverside",
    "Hillcrest",
    "Lakeview",
    "Maple",
    "Harbor",
    "Summit",
    "Meadow",
    "Northgate",
    "Westfield",
    "Ashford",
    "Brookside",
    "Cedar",
    "Elmwood",
    "Fairview",
    "Granite",
    "Ironbridge",
    "Kingsway",
    "Linden",
    "Millbrook",
    "Parkside",
    "Queensway",
    "Silverton",
    "Willow",
];
const KINDS: [[&str; 4]; 5] = [
    ["Market", "Grocers", "Store", "Corner Shop"],
    ["Bistro", "Hotel", "Cafe", "Kitchen"],
    ["Works", "Manufacturing", "Logistics", "Fabrication"],
    ["Clinic", "Pharmacy", "Care Home", "Medical Centre"],
    ["Primary School", "Academy", "College", "Nursery"],
];

/// A person of the sales organisation (rep or manager).
pub(crate) struct Person {
    pub id: String,
    pub name: String,
    pub email: String,
    pub locale: &'static str,
}

/// A rep: a person, the manager above, the region covered.
pub(crate) struct Rep {
    pub person: Person,
    pub manager: usize,
    pub region: usize,
}

/// The reps covering one region, with their relative capacities (books of 60-120 customers).
struct Territory {
    reps: Vec<usize>,
    capacity: WeightedIndex<f64>,
}

/// Managers, reps and territories.
pub(crate) struct SalesForce {
    pub managers: Vec<Person>,
    pub reps: Vec<Rep>,
    territories: Vec<Territory>,
}

impl SalesForce {
    /// About one rep per `customers_per_rep` customers, one manager per `reps_per_manager` reps.
    pub fn draw(config: &SynthConfig) -> SalesForce {
        let mut rng = stream(config.seed, Stream::SalesForce, 0);
        let n_reps = config
            .customers
            .div_ceil(config.customers_per_rep.max(1))
            .max(1);
        let per_manager = config.reps_per_manager.max(1);
        let n_managers = n_reps.div_ceil(per_manager);
        let managers = (0..n_managers)
            .map(|m| person(&mut rng, format!("M{:02}", m + 1), m))
            .collect();
        let reps: Vec<Rep> = (0..n_reps)
            .map(|r| Rep {
                person: person(&mut rng, format!("R{:03}", r + 1), n_managers + r),
                manager: r / per_manager,
                region: r % REGIONS.len(),
            })
            .collect();
        let capacities: Vec<f64> = (0..n_reps)
            .map(|_| uniform(&mut rng, 60.0, 120.0))
            .collect();
        let territories = (0..REGIONS.len())
            .map(|region| territory(region, &reps, &capacities))
            .collect();
        SalesForce {
            managers,
            reps,
            territories,
        }
    }

    /// Managers first (no manager of their own), then reps.
    pub fn rows(&self) -> Vec<RepRow> {
        let managers = self.managers.iter().map(|m| rep_row(m, None));
        let reps = self
            .reps
            .iter()
            .map(|r| rep_row(&r.person, Some(self.managers[r.manager].id.clone())));
        managers.chain(reps).collect()
    }

    /// A rep covering `region`, drawn in proportion to capacity.
    fn assign(&self, region: usize, rng: &mut impl Rng) -> usize {
        let territory = &self.territories[region];
        territory.reps[territory.capacity.sample(rng)]
    }
}

/// The reps of `region`; with fewer than five reps a region borrows one rep from elsewhere.
fn territory(region: usize, all: &[Rep], capacities: &[f64]) -> Territory {
    let mut reps: Vec<usize> = (0..all.len())
        .filter(|&r| all[r].region == region)
        .collect();
    if reps.is_empty() {
        reps.push(region % all.len());
    }
    let weights: Vec<f64> = reps.iter().map(|&r| capacities[r]).collect();
    let capacity = WeightedIndex::new(weights).expect("capacities are positive");
    Territory { reps, capacity }
}

fn person(rng: &mut impl Rng, id: String, n: usize) -> Person {
    let hebrew = chance(rng, HEBREW_SHARE);
    let (first, last) = if hebrew {
        (
            FIRST_HE[n % FIRST_HE.len()],
            LAST_HE[(n / FIRST_HE.len() + n) % LAST_HE.len()],
        )
    } else {
        (
            FIRST_EN[n % FIRST_EN.len()],
            LAST_EN[(n / FIRST_EN.len() + n) % LAST_EN.len()],
        )
    };
    let email = format!("{}.{}.{}@distributor.example", first, last, id).to_lowercase();
    Person {
        id,
        name: format!("{first} {last}"),
        email,
        locale: if hebrew { "he" } else { "en" },
    }
}

fn rep_row(person: &Person, manager_id: Option<String>) -> RepRow {
    RepRow {
        rep_id: person.id.clone(),
        manager_id,
        name: Some(person.name.clone()),
        email: Some(person.email.clone()),
        locale: Some(person.locale.to_string()),
    }
}

/// A customer's master data and the traits that drive its buying.
pub(crate) struct Account {
    pub index: usize,
    pub id: String,
    pub segment: usize,
    pub region: usize,
    pub rep: usize,
    pub name: String,
    /// First day the customer may order: the history's start for customers that existed before.
    pub onboard: Day,
    /// Mean days between orders.
    pub cadence: f64,
    /// Coefficient of variation of the days between orders.
    pub cadence_cv: f64,
    /// The customer's negotiated discount.
    pub discount: f64,
    /// Volume multiplier (log-normal: a few large accounts, many small ones).
    pub size: f64,
}

impl Account {
    /// Draws customer `index` from its own stream. Customers with a planted event exist from the
    /// start, so they have history before the event, and buy fast enough for it to be seen.
    pub fn draw(world: &World, index: usize) -> Account {
        let mut rng = stream(world.config.seed, Stream::Account, index as u64);
        let segment = pick_weighted(&mut rng, &SEGMENT_SHARE).unwrap_or(0);
        let region = pick_weighted(&mut rng, &REGION_SHARE).unwrap_or(0);
        let rep = world.force.assign(region, &mut rng);
        let place = PLACES[rng.random_range(0..PLACES.len())];
        let kind = KINDS[segment][rng.random_range(0..KINDS[segment].len())];
        let is_new = chance(&mut rng, world.config.new_customer_share);
        let onboard = if is_new && world.plan.planned(index).is_none() {
            day_in(&mut rng, world.start + 30, world.end - 90)
        } else {
            world.start
        };
        let cadence = lognormal(&mut rng, CADENCE_MEDIAN[segment], 0.35).clamp(5.0, 35.0);
        Account {
            index,
            id: customer_id(index),
            segment,
            region,
            rep,
            name: format!("{place} {kind}"),
            onboard,
            cadence: cadence.min(world.plan.cadence_cap(index, world.window.days())),
            cadence_cv: uniform(&mut rng, 0.15, 0.4),
            discount: normal(&mut rng, SEGMENT_DISCOUNT[segment], 0.025).clamp(0.0, 0.25),
            size: lognormal(&mut rng, 1.0, 0.7),
        }
    }

    /// The account as a row of the public surface.
    pub fn row(&self, world: &World) -> CustomerRow {
        CustomerRow {
            customer_id: self.id.clone(),
            rep_id: Some(self.rep_id(world).to_string()),
            segment: Some(SEGMENTS[self.segment].to_string()),
            region: Some(REGIONS[self.region].to_string()),
            name: Some(self.name.clone()),
        }
    }

    /// The id of the account owner.
    pub fn rep_id<'w>(&self, world: &'w World) -> &'w str {
        &world.force.reps[self.rep].person.id
    }
}

/// The id of customer `index` (0-based): "C000001" for the first.
pub(crate) fn customer_id(index: usize) -> String {
    format!("C{:06}", index + 1)
}
