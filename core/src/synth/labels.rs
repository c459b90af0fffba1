//! Labels: the record of each planted event, named by the signal kind that should catch it.

use chrono::NaiveDate;
use serde::Serialize;

use super::accounts::Account;
use super::catalogue::SEGMENTS;
use super::world::World;
use crate::day::Day;

/// The label kinds, equal to the names of the signal kinds that should catch them.
pub mod kind {
    /// A customer stops buying everything.
    pub const CUSTOMER_AT_RISK: &str = "customer_at_risk";
    /// A customer keeps buying everything, 2-3x less often.
    pub const FREQUENCY_DROP: &str = "frequency_drop";
    /// A customer stops several of its regular items.
    pub const VARIETY_DROP: &str = "variety_drop";
    /// A customer stops one regular item.
    pub const ITEM_LAPSED: &str = "item_lapsed";
    /// A product stops at many similar customers at once (a competitor's substitute).
    pub const ITEM_LAPSED_ACROSS_SIMILAR: &str = "item_lapsed_across_similar";
    /// A customer skips this season of a seasonal item it bought last season.
    pub const SEASONAL_DUE: &str = "seasonal_due";
    /// A segment's discounts creep up.
    pub const DISCOUNT_SPIKE: &str = "discount_spike";
    /// A deal stays in a stage far past its normal dwell.
    pub const DEAL_STALLED: &str = "deal_stalled";
    /// Every kind, in the order above.
    pub const ALL: [&str; 8] = [
        CUSTOMER_AT_RISK,
        FREQUENCY_DROP,
        VARIETY_DROP,
        ITEM_LAPSED,
        ITEM_LAPSED_ACROSS_SIMILAR,
        SEASONAL_DUE,
        DISCOUNT_SPIKE,
        DEAL_STALLED,
    ];
}

/// One planted event. See the [module documentation](super) for what `start`, `due` and
/// `effect` mean for each kind.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Label {
    /// The signal kind that should catch the event (one of [`kind::ALL`]).
    pub kind: &'static str,
    /// The customer; `None` for a segment-level event.
    pub customer_id: Option<String>,
    /// The product, for item-level events.
    pub product_id: Option<String>,
    /// The customer's segment, or the segment of a segment-level event.
    pub segment: Option<String>,
    /// The customer's account owner (for deals, the deal's owner).
    pub rep_id: Option<String>,
    /// The stalled deal.
    pub deal_id: Option<String>,
    /// The day the planted change begins.
    pub start: NaiveDate,
    /// For item-level events: the day the next purchase would have happened.
    pub due: Option<NaiveDate>,
    /// The planted size of the change, for the kinds that have one.
    pub effect: Option<f64>,
}

impl Label {
    /// A segment-level label.
    pub(crate) fn of_segment(kind: &'static str, segment: usize, start: Day) -> Label {
        Label {
            kind,
            customer_id: None,
            product_id: None,
            segment: Some(SEGMENTS[segment].to_string()),
            rep_id: None,
            deal_id: None,
            start: start.to_date(),
            due: None,
            effect: None,
        }
    }

    /// A label about one customer, with its segment and owner filled in.
    pub(crate) fn of_customer(
        kind: &'static str,
        world: &World,
        account: &Account,
        start: Day,
    ) -> Label {
        Label {
            customer_id: Some(account.id.clone()),
            rep_id: Some(account.rep_id(world).to_string()),
            ..Label::of_segment(kind, account.segment, start)
        }
    }

    /// The same label about `product`.
    pub(crate) fn with_product(mut self, world: &World, product: usize) -> Label {
        self.product_id = Some(world.catalogue.products[product].id.clone());
        self
    }

    /// The same label with the planted size of the change.
    pub(crate) fn with_effect(mut self, effect: f64) -> Label {
        self.effect = Some(effect);
        self
    }
}
