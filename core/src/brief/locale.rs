//! Locales of the brief: English and Hebrew (right to left).
//!
//! Owns: [`Locale`] (parsing, direction) and every fixed string of the brief in each language:
//! headings, column names, the wording of actions and the short ready texts a rep sends. The
//! renderers ask for strings here and never hard-code words; the detectors' evidence sentences
//! are data and stay as the detectors wrote them.

use crate::error::{Error, Result};
use serde::Serialize;

/// A language of the brief.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Locale {
    /// English (left to right).
    En,
    /// Hebrew (right to left).
    He,
}

/// What a task asks the rep to do, independent of language; from the strongest signal's kind.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum Action {
    /// Win back a customer who stopped buying (`customer_at_risk`).
    WinBack,
    /// Ask why orders come less often (`frequency_drop`).
    Cadence,
    /// Review the assortment: several regular items stopped (`variety_drop`).
    Assortment,
    /// Remind about an overdue regular item (`item_lapsed`).
    Reorder,
    /// Defend an item a competitor is taking from similar customers
    /// (`item_lapsed_across_similar`).
    Defend,
    /// Offer a product the customer never bought (`cross_sell`, or a next-best offer that
    /// fills a short list).
    Offer,
    /// Remind about a seasonal item (`seasonal_due`).
    Season,
    /// Move a stalled deal (`deal_stalled`).
    Deal,
    /// Any other kind: follow up on it (named by the kind).
    FollowUp(String),
}

impl Locale {
    /// Every locale.
    pub const ALL: [Locale; 2] = [Locale::En, Locale::He];

    /// Reads "en" or "he" (case and blanks ignored; "en-US" and "he-IL" too).
    ///
    /// ```
    /// use salespulse::brief::Locale;
    /// assert_eq!(Locale::parse("he-IL").unwrap(), Locale::He);
    /// assert!(Locale::parse("fr").unwrap_err().to_string().contains("\"en\" or \"he\""));
    /// ```
    pub fn parse(text: &str) -> Result<Locale> {
        let t = text.trim().to_ascii_lowercase();
        let lang = t.split(['-', '_']).next().unwrap_or("");
        match lang {
            "en" => Ok(Locale::En),
            "he" | "iw" => Ok(Locale::He),
            _ => Err(Error::InvalidArgument(format!(
                "locale is {text:?}; the brief is written in \"en\" or \"he\""
            ))),
        }
    }

    /// The locale's code: "en" or "he".
    pub fn code(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::He => "he",
        }
    }

    /// "ltr" or "rtl".
    pub fn dir(self) -> &'static str {
        match self {
            Locale::En => "ltr",
            Locale::He => "rtl",
        }
    }

    /// A fixed string of the brief.
    pub fn text(self, key: Key) -> &'static str {
        let (en, he) = key.texts();
        match self {
            Locale::En => en,
            Locale::He => he,
        }
    }

    /// The action of a task in words; `product` names the offered or concerned product.
    pub fn action(self, action: &Action, product: Option<&str>) -> String {
        let p = product.unwrap_or("");
        let he = self == Locale::He;
        match (action, product.is_some()) {
            (Action::WinBack, _) if he => "להתקשר ולהחזיר את הלקוח".into(),
            (Action::WinBack, _) => "Call to win the account back".into(),
            (Action::Cadence, _) if he => "להתקשר: ההזמנות מגיעות בתדירות נמוכה מהרגיל".into(),
            (Action::Cadence, _) => "Call: orders come less often than usual".into(),
            (Action::Assortment, _) if he => "לבדוק את סל המוצרים: כמה פריטים קבועים הפסיקו".into(),
            (Action::Assortment, _) => {
                "Review the assortment: several regular items stopped".into()
            }
            (Action::Reorder, true) if he => format!("תזכורת: {p} לא הוזמן בזמן"),
            (Action::Reorder, true) => format!("Remind about {p}: its reorder is overdue"),
            (Action::Defend, true) if he => format!("להגן על {p} מפני מוצר מתחרה"),
            (Action::Defend, true) => format!("Defend {p} against a competitor's substitute"),
            (Action::Offer, true) if he => format!("להציע את {p}"),
            (Action::Offer, true) => format!("Offer {p}"),
            (Action::Season, true) if he => format!("תזכורת: העונה של {p} התחילה"),
            (Action::Season, true) => format!("Remind about {p}: its season has started"),
            (Action::Reorder | Action::Defend | Action::Season | Action::Offer, false) if he => {
                "לבדוק את ההזמנות האחרונות של הלקוח".into()
            }
            (Action::Reorder | Action::Defend | Action::Season | Action::Offer, false) => {
                "Review the customer's recent orders".into()
            }
            (Action::Deal, _) if he => "לקדם את העסקה התקועה".into(),
            (Action::Deal, _) => "Move the stalled deal forward".into(),
            (Action::FollowUp(kind), _) if he => format!("מעקב: {kind}"),
            (Action::FollowUp(kind), _) => format!("Follow up: {kind}"),
        }
    }

    /// The short ready text to send to the customer. `price` is already formatted.
    pub fn content(
        self,
        action: &Action,
        customer: &str,
        product: Option<&str>,
        price: Option<&str>,
    ) -> String {
        let he = self == Locale::He;
        let at = |p: Option<&str>| match (p, he) {
            (Some(p), true) => format!(" במחיר {p}"),
            (Some(p), false) => format!(" at {p}"),
            (None, _) => String::new(),
        };
        let Some(product) = product else {
            return match (action, he) {
                (Action::Deal, true) => format!(
                    "שלום {customer}, בהמשך להצעה שלנו: האם יש משהו שנוכל לעשות כדי להתקדם?"
                ),
                (Action::Deal, false) => format!(
                    "Hello {customer}, following up on our proposal: is there anything you need \
                     from us to move forward?"
                ),
                (_, true) => format!(
                    "שלום {customer}, נשמח לוודא שהמגוון שלנו עדיין מתאים לצרכים שלכם. אפשר \
                     לקבוע שיחה קצרה השבוע?"
                ),
                (_, false) => format!(
                    "Hello {customer}, we would like to make sure our range still fits your \
                     needs. Can we book a short call this week?"
                ),
            };
        };
        let price = at(price);
        match (action, he) {
            (Action::WinBack, true) => format!(
                "שלום {customer}, התגעגענו להזמנות שלכם ונשמח לעזור בכל דבר. השבוע נוכל להציע \
                 את {product}{price}."
            ),
            (Action::WinBack, false) => format!(
                "Hello {customer}, we have missed your orders and would be glad to help with \
                 anything. This week we can offer {product}{price}."
            ),
            // The product of a customer-level task may be one it buys or a next-best offer it never
            // bought: the words fit both.
            (Action::Assortment | Action::Cadence, true) => format!(
                "שלום {customer}, נשמח לוודא שהמגוון שלנו עדיין מתאים לצרכים שלכם. לצרף את \
                 {product} להזמנה הבאה{price}?"
            ),
            (Action::Assortment | Action::Cadence, false) => format!(
                "Hello {customer}, we would like to make sure our range still fits your needs. \
                 Shall we include {product} in your next order{price}?"
            ),
            (Action::Reorder | Action::Defend, true) => {
                format!(
                    "שלום {customer}, שמנו לב שלא הזמנתם לאחרונה את {product}. להוסיף אותו \
                     להזמנה הבאה{price}?"
                )
            }
            (Action::Reorder | Action::Defend, false) => {
                format!(
                    "Hello {customer}, we noticed you have not reordered {product} lately. \
                     Shall we add it to your next order{price}?"
                )
            }
            (Action::Season, true) => format!(
                "שלום {customer}, העונה של {product} התחילה. לשריין לכם את הכמות הרגילה{price}?"
            ),
            (Action::Season, false) => format!(
                "Hello {customer}, the season for {product} has started. Shall we reserve your \
                 usual quantity{price}?"
            ),
            (Action::Deal, true) => format!(
                "שלום {customer}, בהמשך להצעה שלנו על {product}: האם יש משהו שנוכל לעשות כדי \
                 להתקדם?"
            ),
            (Action::Deal, false) => format!(
                "Hello {customer}, following up on our proposal for {product}: is there anything \
                 you need from us to move forward?"
            ),
            (Action::Offer | Action::FollowUp(_), true) => format!(
                "שלום {customer}, לקוחות דומים לכם מזמינים גם את {product}. תרצו לנסות{price}?"
            ),
            (Action::Offer | Action::FollowUp(_), false) => format!(
                "Hello {customer}, customers like you also order {product}. Would you like to \
                 try it{price}?"
            ),
        }
    }
}

impl std::fmt::Display for Locale {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

macro_rules! keys {
    ($($key:ident => $en:literal, $he:literal;)*) => {
        /// The fixed strings of the brief.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #[allow(missing_docs)]
        pub enum Key { $($key,)* }

        impl Key {
            /// Every key.
            pub const ALL: &'static [Key] = &[$(Key::$key,)*];

            fn texts(self) -> (&'static str, &'static str) {
                match self { $(Key::$key => ($en, $he),)* }
            }
        }
    };
}

keys! {
    Title => "Weekly brief", "תדריך שבועי";
    WeekOf => "week of", "שבוע";
    AsOf => "as of", "נכון ל־";
    TasksFor => "Tasks for", "משימות עבור";
    Rank => "#", "#";
    Customer => "Customer", "לקוח";
    Action => "Action", "פעולה";
    Offer => "Offer", "הצעה";
    Value => "Value", "ערך";
    Due => "Due", "עד";
    Signals => "Signals", "אותות";
    TalkingPoints => "Talking points", "נקודות לשיחה";
    Message => "Message to send", "הודעה לשליחה";
    NoTasks => "No tasks this week.", "אין משימות השבוע.";
    DigestFor => "Manager digest for", "סיכום מנהל עבור";
    Team => "Team", "צוות";
    TeamSignals => "Team-level signals", "אותות ברמת הצוות";
    NoTeamSignals => "No team-level signals this week.", "אין אותות ברמת הצוות השבוע.";
    TopTasks => "Each rep's top tasks", "המשימות המובילות של כל נציג";
    Kpis => "Team KPIs: this week vs last", "מדדי הצוות: השבוע מול השבוע שעבר";
    Kpi => "KPI", "מדד";
    ThisWeek => "This week", "השבוע";
    LastWeek => "Last week", "שבוע שעבר";
    Change => "Change", "שינוי";
    AtStake => "at stake", "בסיכון";
    Rhythm => "Purchase rhythm", "קצב הרכישה";
    Purchases => "past purchases", "רכישות קודמות";
    Expected => "expected window", "חלון צפוי";
    Today => "today", "היום";
    ActiveCustomers => "Active customers", "לקוחות פעילים";
    ChurnedCustomers => "Churned customers", "לקוחות שנטשו";
    ChurnRate => "Churn rate", "שיעור נטישה";
    Orders => "Orders", "הזמנות";
    NetRevenue => "Net revenue", "הכנסה נטו";
    ReturnRate => "Items back in the basket", "פריטים שחזרו לסל";
    KpiWindow => "Each KPI counts the active window (thresholds.active_window_days) up to the week's last day.", "כל מדד נספר על חלון הפעילות (thresholds.active_window_days) עד היום האחרון של השבוע.";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_fixed_string_is_translated() {
        for key in Key::ALL {
            let (en, he) = key.texts();
            assert!(!en.is_empty() && !he.is_empty(), "{key:?}");
            if *key != Key::Rank {
                assert_ne!(en, he, "{key:?} is not translated");
                assert!(
                    he.chars().any(|c| ('\u{5d0}'..='\u{5ea}').contains(&c)),
                    "{key:?}"
                );
            }
        }
        assert_eq!(Locale::parse(" EN ").unwrap(), Locale::En);
        assert_eq!(Locale::He.dir(), "rtl");
    }

    #[test]
    fn actions_and_texts_name_the_product_and_price() {
        let text = Locale::En.content(&Action::Reorder, "Acme", Some("Beans"), Some("12.50 EUR"));
        assert!(text.contains("Acme") && text.contains("Beans") && text.contains("12.50 EUR"));
        let he = Locale::He.content(&Action::Reorder, "Acme", Some("Beans"), None);
        assert!(he.contains("Beans") && !he.contains("במחיר"));
        let other = Locale::En.action(&Action::FollowUp("new_kind".into()), None);
        assert!(other.contains("new_kind"));
    }
}
