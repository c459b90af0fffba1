# %% [markdown]
# # salespulse in a notebook
#
# A distributor's order lines and master data go in as pandas DataFrames; KPIs, signals and
# customer models come out as DataFrames. Run it as a script (`python3 examples/notebook.py`) or
# cell by cell in Jupyter or VS Code (each `# %%` starts a cell). It needs the package:
# `bash bindings-python/test.sh` builds and installs it.

# %%
import pandas as pd

import salespulse

try:  # in a notebook, tables render as tables; as a script, they print
    from IPython.display import display as show
except ImportError:
    show = print

engine = salespulse.Engine({"timezone": "Europe/Berlin", "week_start": "monday"})
show(engine.config)

# %% [markdown]
# ## Data in
#
# Any table that speaks Arrow works: pandas, polars or pyarrow. Here, a synthetic wholesale
# distributor: its order lines, customers, reps, products and CRM deals, with `labels`, the
# events planted in it for the signals to find.

# %%
data = salespulse.synth.distributor(customers=2_000, years=2, seed=42)
as_of = data.end
show(data.orders.head())

# %%
for name in ("reps", "customers", "products", "orders", "deals"):
    report = getattr(engine, f"ingest_{name}")(getattr(data, name))
    print(f"{name:<10} {report}")
show(engine.stats())

# %% [markdown]
# ## A bad row is rejected with its reason; the good rows are kept

# %%
messy = pd.DataFrame(
    {
        "Order ID": ["X-1", "X-2", "X-3"],
        "Customer ID": ["C-new-1", None, "C-new-2"],
        "product_id": [data.products.product_id[0]] * 3,
        "Date": ["2024-03-01", "2024-03-02", "03/04/2024"],
        "quantity": [1.0, 2.0, 1.0],
        "Sales": [9.9, 19.8, 9.9],
    }
)
report = engine.ingest_orders(messy, mapping={"net_amount": "Sales"})
show(report.rejected)

# %% [markdown]
# ## KPIs
#
# Active customers, churn, product variety, order frequency and pace, items returning to the
# basket, net revenue: overall, and per rep, segment or region.

# %%
show(engine.kpis(as_of))

# %%
show(engine.kpis(as_of, by="segment"))

# %%
# The last twelve months, month by month.
months = pd.date_range(end=pd.Timestamp(as_of), periods=12, freq="ME")
trend = pd.concat([engine.kpis(m) for m in months], ignore_index=True)
show(trend[["as_of", "active_customers", "churn_rate", "variety_per_customer", "net_revenue"]])

# %% [markdown]
# ## Signals
#
# What needs a rep's attention: customers at risk, customers buying less often, items lapsed,
# and the other kinds. One row per signal, highest score (value at stake x probability) first,
# with the evidence in one sentence and kind-specific columns after it.

# %%
signals = engine.signals(as_of)
show(signals.head(10))
show(
    signals.groupby("kind").agg(
        signals=("score", "size"), value_at_stake=("value_at_stake", "sum")
    )
)

# %% [markdown]
# ## The real-time feed
#
# `advance(day)` moves the engine's clock and returns only the signals that rose since the last
# advance: call it every day or week after ingesting the new orders. A signal that stays active
# is reported once. Here, the last eight weeks replayed.

# %%
for week in pd.date_range(end=pd.Timestamp(as_of), periods=8, freq="7D"):
    new = engine.advance(week)
    top = f"; top: {new['evidence'].iloc[0]}" if len(new) else ""
    print(f"{week.date()}: {len(new)} new signals{top}")

# %% [markdown]
# ## The weekly brief
#
# Each rep's 5-7 most valuable tasks (whom to call, what to say, what to offer at what price, a
# ready text, the value of acting, a due day) and a digest per manager. In a notebook the brief
# shows itself as HTML, each task with a small chart of the customer's purchase rhythm.

# %%
brief = engine.weekly_brief(as_of)
show(brief.tasks.head(7))
rep = brief.tasks["rep_id"].iloc[0]
print(brief.for_rep(rep).to_markdown()[:1500])

# %% [markdown]
# ## Customer models: BG/NBD and Gamma-Gamma
#
# The buy-till-you-die models of lifetimes, on any transactions table. `rfm_summary` turns order
# lines into frequency, recency and age per customer (here in weeks); `BetaGeo` fits who is still
# buying and how often, `GammaGamma` how much they spend; together they give customer lifetime
# value. A distributor's accounts rarely leave, so without a penalty the dropout parameters run
# off towards infinity: a small `penalizer` keeps them finite, as lifetimes advises.

# %%
summary = salespulse.rfm_summary(
    data.orders, "customer_id", "date", observation_end=as_of, freq="W", monetary_col="net_amount"
)
bg = salespulse.BetaGeo(penalizer=0.001)
bg.fit(summary["frequency"], summary["recency"], summary["T"])
print(bg)
show(bg.summary)

# %%
history = summary["frequency"], summary["recency"], summary["T"]
summary["p_alive"] = bg.p_alive(*history)
summary["next_quarter"] = bg.expected_purchases(13, *history)  # 13 weeks
repeat = summary[(summary["frequency"] > 0) & (summary["monetary_value"] > 0)]
gg = salespulse.GammaGamma().fit(repeat["frequency"], repeat["monetary_value"])
repeat = repeat.assign(
    clv=gg.clv(
        bg,
        repeat["frequency"],
        repeat["recency"],
        repeat["T"],
        repeat["monetary_value"],
        months=12,
        time_unit="W",
    )
)
show(repeat.sort_values("clv", ascending=False).head(10))

# %% [markdown]
# ## State: snapshot, restore, merge
#
# An engine is bytes away from a file or another process; engines built on disjoint customers
# merge into one.

# %%
blob = engine.snapshot()
restored = salespulse.Engine.restore(blob)
print(f"snapshot: {len(blob) / 1e6:.1f} MB; restored: {restored!r}")
