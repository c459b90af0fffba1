"""Shared fixtures: small hand-made tables of a distributor."""

from __future__ import annotations

import pandas as pd
import pytest


def orders_frame() -> pd.DataFrame:
    """Six order lines of three customers over March 2024 (string ids, dates, floats)."""
    return pd.DataFrame(
        {
            "order_id": ["SO-1", "SO-1", "SO-2", "SO-3", "SO-4", "SO-5"],
            "line_no": [1, 2, 1, 1, 1, 1],
            "customer_id": ["C1", "C1", "C2", "C3", "C1", "C2"],
            "product_id": ["P1", "P2", "P1", "P3", "P1", "P2"],
            "date": pd.to_datetime(
                ["2024-03-01", "2024-03-01", "2024-03-04", "2024-03-05", "2024-03-15", "2024-03-20"]
            ),
            "quantity": [2.0, 1.0, 5.0, 1.0, 3.0, 2.0],
            "net_amount": [19.8, 7.5, 49.5, 12.0, 29.7, 15.0],
        }
    )


def customers_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": ["C1", "C2", "C3"],
            "rep_id": ["R1", "R1", "R2"],
            "segment": ["Retail", "Horeca", "Retail"],
            "region": ["North", "South", "North"],
            "name": ["Alpha", "Beta", "Gamma"],
        }
    )


def reps_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "rep_id": ["R1", "R2", "M1"],
            "manager_id": ["M1", "M1", None],
            "name": ["Ann", "Bob", "Meg"],
            "email": ["ann@example.com", "bob@example.com", "meg@example.com"],
            "locale": ["en", "he", "en"],
        }
    )


def products_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "product_id": ["P1", "P2", "P3"],
            "family": ["Coffee", "Tea", "Coffee"],
            "list_price": [10.0, 8.0, 12.5],
            "name": ["Espresso 1kg", "Green tea", "Decaf 1kg"],
        }
    )


def deals_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "deal_id": ["D1", "D2"],
            "customer_id": ["C1", "C3"],
            "stage": ["Prospecting", "Engaging"],
            "stage_entered": pd.to_datetime(["2024-03-02", "2024-03-10"]),
            "rep_id": ["R1", "R2"],
            "amount": [1200.0, 800.0],
            "outcome": ["open", "open"],
        }
    )


@pytest.fixture
def orders() -> pd.DataFrame:
    return orders_frame()


@pytest.fixture
def customers() -> pd.DataFrame:
    return customers_frame()


@pytest.fixture
def loaded():
    """An engine with every table of the small distributor."""
    import salespulse

    engine = salespulse.Engine()
    engine.ingest_reps(reps_frame())
    engine.ingest_customers(customers_frame())
    engine.ingest_products(products_frame())
    engine.ingest_orders(orders_frame())
    engine.ingest_deals(deals_frame())
    return engine
