//! The catalogue: product families, products with log-normal list prices and skewed
//! popularity, and the seasonal products with their season windows.

use rand::seq::SliceRandom;

use super::config::SynthConfig;
use super::random::{lognormal, pick_weighted, stream, uniform, Stream};
use crate::day::Day;
use crate::model::ProductRow;

/// The market segments customers belong to.
pub(crate) const SEGMENTS: [&str; 5] =
    ["Retail", "Horeca", "Industrial", "Healthcare", "Education"];
/// Share of customers in each segment.
pub(crate) const SEGMENT_SHARE: [f64; 5] = [0.30, 0.25, 0.20, 0.15, 0.10];
/// Index of Education in [`SEGMENTS`]: the segment with a summer break.
pub(crate) const EDUCATION: usize = 4;

/// A product family: what its products cost, how much of it a typical customer buys every two
/// weeks, and how strongly each segment buys it (the source of basket rules).
pub(crate) struct Family {
    pub name: &'static str,
    /// Median list price of a unit.
    pub price: f64,
    /// Units a customer of average size uses in [`QTY_REFERENCE_DAYS`].
    pub qty: f64,
    /// Relative pull of the family on each segment, in [`SEGMENTS`] order.
    pub affinity: [f64; 5],
    /// Typical first day (0-based day of year) of the season of its seasonal products; `None`
    /// for families that have none.
    pub season_doy: Option<i32>,
    pub items: &'static [&'static str],
}

/// The period that [`Family::qty`] covers.
pub(crate) const QTY_REFERENCE_DAYS: f64 = 14.0;

/// A broadline distributor serving shops, hotels and restaurants, plants, clinics and schools.
pub(crate) const FAMILIES: [Family; 15] = [
    family(
        "Coffee & Tea",
        16.0,
        6.0,
        [1.2, 3.0, 1.0, 1.0, 0.8],
        None,
        &[
            "Arabica Beans",
            "Espresso Blend",
            "Decaf Ground",
            "Green Tea",
            "Black Tea",
            "Herbal Infusion",
            "Instant Coffee",
            "Coffee Pods",
        ],
    ),
    family(
        "Beverages",
        11.0,
        12.0,
        [2.5, 2.5, 0.8, 0.6, 1.2],
        Some(140),
        &[
            "Mineral Water",
            "Sparkling Water",
            "Orange Juice",
            "Apple Juice",
            "Cola",
            "Iced Tea",
            "Lemonade",
            "Energy Drink",
        ],
    ),
    family(
        "Dairy",
        6.0,
        20.0,
        [2.0, 3.0, 0.3, 0.8, 1.5],
        None,
        &[
            "Whole Milk",
            "Skimmed Milk",
            "Butter",
            "Cream",
            "Yoghurt",
            "Cheddar",
            "Mozzarella",
            "Oat Drink",
        ],
    ),
    family(
        "Bakery",
        4.5,
        25.0,
        [2.0, 2.5, 0.2, 0.6, 1.5],
        None,
        &[
            "White Loaf",
            "Wholemeal Loaf",
            "Baguette",
            "Croissant",
            "Bagel",
            "Muffin",
            "Burger Bun",
            "Tortilla",
        ],
    ),
    family(
        "Frozen Foods",
        14.0,
        10.0,
        [2.0, 2.2, 0.2, 0.8, 1.2],
        Some(150),
        &[
            "Ice Cream Tub",
            "Ice Lolly",
            "Frozen Fries",
            "Frozen Peas",
            "Fish Fillets",
            "Frozen Pizza",
            "Sorbet",
            "Frozen Berries",
        ],
    ),
    family(
        "Dry Goods",
        8.5,
        15.0,
        [2.5, 2.5, 0.3, 0.8, 2.0],
        None,
        &[
            "Pasta",
            "Rice",
            "Flour",
            "Sugar",
            "Olive Oil",
            "Canned Tomatoes",
            "Breakfast Cereal",
            "Lentils",
        ],
    ),
    family(
        "Snacks & Confectionery",
        6.5,
        18.0,
        [3.0, 1.2, 0.8, 0.4, 1.0],
        Some(285),
        &[
            "Crisps",
            "Chocolate Bar",
            "Biscuits",
            "Mixed Nuts",
            "Gummy Sweets",
            "Gift Tin",
            "Cereal Bar",
            "Popcorn",
        ],
    ),
    family(
        "Cleaning Chemicals",
        21.0,
        6.0,
        [0.8, 2.0, 2.0, 2.5, 2.0],
        None,
        &[
            "Floor Cleaner",
            "Degreaser",
            "Disinfectant",
            "Dish Detergent",
            "Glass Cleaner",
            "Bleach",
            "Hand Soap",
            "Descaler",
        ],
    ),
    family(
        "Paper & Hygiene",
        24.0,
        10.0,
        [1.0, 2.0, 2.0, 3.0, 2.5],
        None,
        &[
            "Toilet Tissue",
            "Paper Towels",
            "Napkins",
            "Facial Tissue",
            "Hand Towels",
            "Wipes",
            "Bin Liners",
            "Centrefeed Roll",
        ],
    ),
    family(
        "Disposables",
        13.0,
        15.0,
        [1.0, 3.0, 1.0, 1.5, 1.5],
        None,
        &[
            "Paper Cups",
            "Cup Lids",
            "Cutlery Set",
            "Food Boxes",
            "Straws",
            "Plates",
            "Cling Film",
            "Foil Trays",
        ],
    ),
    family(
        "Safety & PPE",
        29.0,
        5.0,
        [0.2, 0.5, 3.0, 2.5, 0.5],
        None,
        &[
            "Nitrile Gloves",
            "Safety Glasses",
            "Ear Plugs",
            "Hi-Vis Vest",
            "Dust Masks",
            "Work Gloves",
            "First Aid Kit",
            "Safety Boots",
        ],
    ),
    family(
        "Office Supplies",
        9.5,
        8.0,
        [0.6, 0.4, 1.5, 1.0, 3.0],
        Some(200),
        &[
            "Copy Paper",
            "Ballpoint Pens",
            "Notebooks",
            "Toner",
            "Folders",
            "Sticky Notes",
            "Markers",
            "Staples",
        ],
    ),
    family(
        "Packaging",
        33.0,
        6.0,
        [2.0, 1.0, 2.5, 0.5, 0.3],
        None,
        &[
            "Cardboard Boxes",
            "Packing Tape",
            "Stretch Wrap",
            "Bubble Wrap",
            "Pallet Labels",
            "Carrier Bags",
            "Void Fill",
            "Strapping",
        ],
    ),
    family(
        "Medical Consumables",
        38.0,
        5.0,
        [0.1, 0.1, 0.5, 4.0, 0.6],
        Some(260),
        &[
            "Syringes",
            "Bandages",
            "Gauze Swabs",
            "Examination Gloves",
            "Face Masks",
            "Alcohol Wipes",
            "Thermometer Covers",
            "Flu Test Kits",
        ],
    ),
    family(
        "Garden & Outdoor",
        27.0,
        4.0,
        [1.5, 0.6, 0.8, 0.2, 0.6],
        Some(75),
        &[
            "Potting Compost",
            "Seed Packs",
            "Garden Hose",
            "Plant Food",
            "Barbecue Charcoal",
            "Outdoor Cushions",
            "Weed Killer",
            "Planters",
        ],
    ),
];

const fn family(
    name: &'static str,
    price: f64,
    qty: f64,
    affinity: [f64; 5],
    season_doy: Option<i32>,
    items: &'static [&'static str],
) -> Family {
    Family {
        name,
        price,
        qty,
        affinity,
        season_doy,
        items,
    }
}

/// Pack variants that multiply a family's items into distinct products.
const PACKS: [&str; 6] = ["Standard", "Large", "Bulk", "Catering", "Value", "Premium"];

/// A yearly sales window: `len` days from the `start_doy`-th day (0-based) of each year.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Season {
    pub start_doy: i32,
    pub len: i32,
}

impl Season {
    /// The window `[first day, first day after]` of the season that starts in `year`.
    pub fn window(&self, year: i32) -> (Day, Day) {
        let first = Day::from_ymd(year, 1, 1).expect("January 1 exists") + self.start_doy;
        (first, first + self.len)
    }

    /// The year of the season that contains `day`, if any (a late season runs into January).
    pub fn year_of(&self, day: Day) -> Option<i32> {
        let year = day.year();
        [year, year - 1].into_iter().find(|&y| {
            let (first, after) = self.window(y);
            first <= day && day < after
        })
    }
}

/// One product of the catalogue.
pub(crate) struct Product {
    pub id: String,
    pub name: String,
    pub family: usize,
    pub price: f64,
    /// Relative chance of being in a portfolio, within its family (skewed: a few best sellers).
    pub popularity: f64,
    pub season: Option<Season>,
}

/// All products, and their indices per family.
pub(crate) struct Catalogue {
    pub products: Vec<Product>,
    pub by_family: Vec<Vec<usize>>,
}

impl Catalogue {
    /// Draws the catalogue of `config`.
    pub fn draw(config: &SynthConfig) -> Catalogue {
        let mut rng = stream(config.seed, Stream::Catalogue, 0);
        let counts = family_sizes(&mut rng, config.product_count());
        let mut products: Vec<Product> = counts
            .iter()
            .enumerate()
            .flat_map(|(f, &n)| (0..n).map(move |j| (f, j)))
            .map(|(f, j)| new_product(&mut rng, f, j))
            .collect();
        make_seasonal(&mut rng, &mut products);
        // Ids in shuffled order: real catalogues do not number products family by family.
        products.shuffle(&mut rng);
        let mut by_family = vec![Vec::new(); FAMILIES.len()];
        for (i, product) in products.iter_mut().enumerate() {
            product.id = format!("P{:04}", i + 1);
            by_family[product.family].push(i);
        }
        Catalogue {
            products,
            by_family,
        }
    }

    /// The products as rows of the public surface.
    pub fn rows(&self) -> Vec<ProductRow> {
        self.products
            .iter()
            .map(|p| ProductRow {
                product_id: p.id.clone(),
                family: Some(FAMILIES[p.family].name.to_string()),
                list_price: Some(p.price),
                name: Some(p.name.clone()),
            })
            .collect()
    }

    /// The family of a product.
    pub fn family_of(&self, product: usize) -> &'static Family {
        &FAMILIES[self.products[product].family]
    }
}

/// Splits `total` products over the families, unevenly, with at least three per family.
fn family_sizes(rng: &mut impl rand::Rng, total: usize) -> Vec<usize> {
    let weights: Vec<f64> = FAMILIES.iter().map(|_| lognormal(rng, 1.0, 0.3)).collect();
    let sum: f64 = weights.iter().sum();
    weights
        .iter()
        .map(|w| ((total as f64 * w / sum).round() as usize).max(3))
        .collect()
}

fn new_product(rng: &mut impl rand::Rng, family: usize, j: usize) -> Product {
    let fam = &FAMILIES[family];
    let item = fam.items[j % fam.items.len()];
    let variant = j / fam.items.len();
    let pack = PACKS[variant % PACKS.len()];
    let name = match variant / PACKS.len() {
        0 => format!("{item} {pack}"),
        n => format!("{item} {pack} {}", n + 1),
    };
    Product {
        id: String::new(),
        name,
        family,
        price: (lognormal(rng, fam.price, 0.5) * 100.0).round() / 100.0,
        popularity: lognormal(rng, 1.0, 0.3) / ((j + 1) as f64).powf(0.9),
        season: None,
    }
}

/// Makes 5-8% of the products seasonal, in families that have a season, each with its own
/// window of 8-12 weeks around the family's typical start.
fn make_seasonal(rng: &mut impl rand::Rng, products: &mut [Product]) {
    let share = uniform(rng, 0.05, 0.08);
    let wanted = ((products.len() as f64 * share).round() as usize).max(1);
    for _ in 0..wanted {
        let weights: Vec<f64> = products
            .iter()
            .map(|p| match (&p.season, FAMILIES[p.family].season_doy) {
                (None, Some(_)) => p.popularity,
                _ => 0.0,
            })
            .collect();
        let Some(i) = pick_weighted(rng, &weights) else {
            return;
        };
        let typical = FAMILIES[products[i].family].season_doy.unwrap_or(0);
        products[i].season = Some(Season {
            start_doy: typical + uniform(rng, -15.0, 15.0).round() as i32,
            len: uniform(rng, 56.0, 85.0) as i32,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_has_unique_ids_every_family_and_a_few_seasonal_products() {
        let catalogue = Catalogue::draw(&SynthConfig::new(10_000, 2, 1));
        let n = catalogue.products.len();
        assert!((250..450).contains(&n), "{n} products");
        let ids: std::collections::HashSet<_> = catalogue.products.iter().map(|p| &p.id).collect();
        assert_eq!(ids.len(), n);
        assert!(catalogue.by_family.iter().all(|f| f.len() >= 3));
        let seasonal = catalogue
            .products
            .iter()
            .filter(|p| p.season.is_some())
            .count();
        assert!(
            seasonal * 100 >= 4 * n && seasonal * 100 <= 9 * n,
            "{seasonal} of {n}"
        );
    }

    #[test]
    fn a_late_season_runs_into_january() {
        let season = Season {
            start_doy: 340,
            len: 60,
        };
        assert_eq!(
            season.year_of(Day::from_ymd(2025, 1, 10).unwrap()),
            Some(2024)
        );
        assert_eq!(season.year_of(Day::from_ymd(2025, 6, 1).unwrap()), None);
    }
}
