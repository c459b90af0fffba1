//! The world: everything shared by all customers, drawn once from the seed (calendar,
//! catalogue, sales force, plan of planted events).

use super::accounts::SalesForce;
use super::catalogue::Catalogue;
use super::config::SynthConfig;
use super::events::{draw_substitutions, Plan, Window};
use crate::day::Day;

/// The shared, read-only context of every customer's generation.
pub(crate) struct World {
    pub config: SynthConfig,
    /// First day of the history.
    pub start: Day,
    /// Last day of the history.
    pub end: Day,
    /// The days in which planted events start.
    pub window: Window,
    pub catalogue: Catalogue,
    pub force: SalesForce,
    pub plan: Plan,
}

impl World {
    /// Draws the world of `config`; its cost grows with the number of customers only through
    /// the plan (a byte and a flag per customer), plus a fixed sample of portfolios.
    pub fn new(config: SynthConfig) -> World {
        let start = Day::from_date(config.start);
        let end = Day::from_date(config.end());
        let window = Window::of(&config, start, end);
        let catalogue = Catalogue::draw(&config);
        let force = SalesForce::draw(&config);
        let plan = Plan::draw(&config, window);
        let mut world = World {
            config,
            start,
            end,
            window,
            catalogue,
            force,
            plan,
        };
        world.plan.substitutions = draw_substitutions(&world);
        world
    }
}
