//! Consistency of a state that came from outside (a snapshot).
//!
//! Owns: [`State::validate`], which checks that every id the state refers to exists, so code
//! that indexes by id cannot panic on a crafted or corrupt snapshot that passed its checksum.

use super::State;

fn within(what: &str, index: usize, len: usize) -> Result<(), String> {
    if index < len {
        Ok(())
    } else {
        Err(format!("{what} {index} refers past the {len} known"))
    }
}

impl State {
    /// Checks internal consistency; the message names the first broken reference.
    pub fn validate(&self) -> Result<(), String> {
        let sizes = [
            ("customers", self.customers.len(), self.customer_ids.len()),
            ("products", self.products.len(), self.product_ids.len()),
            ("reps", self.reps.len(), self.rep_ids.len()),
            ("orders", self.orders.len(), self.order_ids.len()),
            ("deals", self.deals.len(), self.deal_ids.len()),
        ];
        for (what, rows, ids) in sizes {
            if rows != ids {
                return Err(format!("{rows} {what} but {ids} {what} ids"));
            }
        }
        let (n_customers, n_products, n_reps) =
            (self.customers.len(), self.products.len(), self.reps.len());
        for c in &self.customers {
            let label = |l: Option<crate::ids::LabelId>, len, what| {
                l.map_or(Ok(()), |l| within(what, l.index(), len))
            };
            label(c.master.segment, self.segments.len(), "segment")?;
            label(c.master.region, self.regions.len(), "region")?;
            for rep in [c.master.owner, c.order_rep.map(|(_, r)| r)]
                .into_iter()
                .flatten()
            {
                within("rep", rep.index(), n_reps)?;
            }
            let pairs = c.pairs();
            if pairs.windows(2).any(|w| w[0].product >= w[1].product) {
                return Err("a customer's pairs are not sorted by product".into());
            }
            for h in pairs {
                within("product", h.product.index(), n_products)?;
                if h.lines().is_empty() {
                    return Err("an empty pair history".into());
                }
            }
        }
        for p in &self.products {
            if let Some(f) = p.family {
                within("family", f.index(), self.families.len())?;
            }
        }
        for r in &self.reps {
            if let Some(m) = r.manager {
                within("manager", m.index(), n_reps)?;
            }
        }
        for o in self.orders.iter().flatten() {
            within("customer", o.customer.index(), n_customers)?;
        }
        for d in &self.deals {
            within("customer", d.customer.index(), n_customers)?;
            if let Some(r) = d.facts.rep {
                within("rep", r.index(), n_reps)?;
            }
            if let Some(p) = d.facts.product {
                within("product", p.index(), n_products)?;
            }
            if d.visits().is_empty() {
                return Err("a deal without stage visits".into());
            }
            for v in d.visits() {
                within("stage", v.stage.index(), self.stages.len())?;
            }
        }
        self.line_keys.validate(self.orders.len(), n_products)
    }
}
