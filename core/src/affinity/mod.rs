//! Affinity: what goes together, who is alike, and what to offer next.
//!
//! A distributor's best next sale to a customer is often a product it has never bought but that
//! its kind of customer buys. Two kinds of evidence say which:
//!
//! - **rules** ("customers who buy A also buy C"): [`CoOccurrence`] counts, for every pair of
//!   items, how many baskets hold both. A basket here is a customer's set of items (or an
//!   order); counts grow one basket, or one new item of a basket, at a time, so rules are always
//!   current without refitting, and memory stays bounded on wide catalogues. The metrics of
//!   "A -> C" are mlxtend's (support, confidence, lift, ...).
//! - **neighbours** ("customers like you buy C"): [`SimilarCustomers`] weights each customer's
//!   items like words in a search engine (BM25: frequent purchases count more, with diminishing
//!   returns; items everyone buys count little) and finds the most similar customers by cosine
//!   through an inverted index, touching only customers that share an item.
//!
//! [`Recommender`] blends both into a score per never-bought item; [`offers()`] adds a suggested
//! price (what similar customers pay, at this customer's usual discount), the revenue over the
//! horizon and evidence in words: that is `Engine::recommend`, and its strongest rows are the
//! `cross_sell` signals. [`hit_rate`] measures the whole against a popularity baseline.
//!
//! ```
//! use salespulse::affinity::{hit_rate, ProfileBuilder, Recommender, RecommendOptions, Scratch};
//! use salespulse::Day;
//!
//! // Espresso shops (0-5) buy beans (0), cups (1) and lids (2); bakeries (6-11) buy flour (3)
//! // and yeast (4); everyone buys napkins (5). Shop 5 has no lids yet.
//! let mut b = ProfileBuilder::new();
//! for c in 0..12 {
//!     let items: &[u32] = if c < 6 { &[0, 1, 2, 5] } else { &[3, 4, 5] };
//!     for &item in items {
//!         if !(c == 5 && item == 2) {
//!             b.add(c, item, Day(0), 1.0, 10.0);
//!         }
//!     }
//! }
//! let rec = Recommender::new(b.build(), RecommendOptions::default());
//! let top = rec.recommend(5, 1, &mut Scratch::default());
//! assert_eq!(top.candidates[0].item, 2); // lids, not the bakeries' flour
//! assert_eq!(top.candidates[0].rules.len(), 2); // beans and cups both imply lids
//!
//! // Shop 5 then buys lids: a hit for the recommender, a miss for "most popular" (flour).
//! let mut after = vec![Vec::new(); 12];
//! after[5] = vec![2];
//! let quality = hit_rate(&rec, &after, 1);
//! assert_eq!((quality.model.hits, quality.popularity.hits), (1, 0));
//! ```
//!
//! Files: [`profiles`] (each customer's bought items, the input), [`cooccurrence`],
//! [`similar`], [`recommend`] (scoring), [`offers`](mod@offers) (prices, revenue, words, the table) and
//! [`quality`] (hit rate@k).

pub mod cooccurrence;
pub mod offers;
pub mod profiles;
pub mod quality;
pub mod recommend;
pub mod similar;

pub use cooccurrence::CoOccurrence;
pub use offers::{offers, recommend_frame, Offer};
pub use profiles::{ItemStat, ProfileBuilder, Profiles};
pub use quality::{bought_between, hit_rate, Hits, Quality};
pub use recommend::{
    Candidate, RecommendOptions, Recommendations, Recommender, RuleEvidence, Scratch,
};
pub use similar::{Neighbour, SimilarCustomers};
