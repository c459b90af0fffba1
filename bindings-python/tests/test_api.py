"""The public surface: names, docstrings, stubs."""

import ast
import inspect
import pathlib
import pydoc

import salespulse
from salespulse import _salespulse

PACKAGE = pathlib.Path(salespulse.__file__).parent


def public(cls):
    return [n for n in dir(cls) if not n.startswith("_")]


def test_version_and_exports():
    assert salespulse.__version__.count(".") == 2
    for name in salespulse.__all__:
        assert hasattr(salespulse, name), name
    assert (PACKAGE / "py.typed").exists()


def test_every_public_call_has_a_docstring():
    classes = (
        salespulse.Engine,
        salespulse.Config,
        salespulse.IngestReport,
        salespulse.BetaGeo,
        salespulse.ModifiedBetaGeo,
        salespulse.ParetoNBD,
        salespulse.GammaGamma,
    )
    for cls in classes:
        assert cls.__doc__ and len(cls.__doc__) > 40, cls
        for name in public(cls):
            doc = getattr(cls, name).__doc__
            assert doc and doc.strip(), f"{cls.__name__}.{name}"
    assert salespulse.synth.distributor.__doc__
    assert salespulse.rfm_summary.__doc__
    assert salespulse.__doc__


def test_help_reads_well():
    text = pydoc.render_doc(salespulse.Engine, renderer=pydoc.plaintext)
    assert "ingest_orders(self, /, table, mapping=None, date_format='auto'" in text
    assert "kpis(self, /, as_of, by=None, to='pandas')" in text
    assert "SchemaError" in text
    assert "Engine(config=None)" in text.replace("\n", " ") or "config=None" in text
    assert str(inspect.signature(salespulse.Engine.kpis)) == "(self, /, as_of, by=None, to='pandas')"
    assert "signals(self, /, as_of=None, to='pandas')" in text
    assert "advance(self, /, as_of, to='pandas')" in text


def stub_names(path):
    tree = ast.parse(path.read_text())
    names = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            names[node.name] = {
                n.name for n in node.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
            }
        elif isinstance(node, ast.FunctionDef):
            names[node.name] = set()
    return names


def test_stubs_cover_the_native_module():
    stubs = stub_names(PACKAGE / "_salespulse.pyi")
    for name in dir(_salespulse):
        obj = getattr(_salespulse, name)
        if name.startswith("_") or not callable(obj):
            continue
        assert name in stubs, f"{name} missing from _salespulse.pyi"
        if inspect.isclass(obj):
            missing = set(public(obj)) - stubs[name]
            assert not missing, f"{name}: {missing} missing from _salespulse.pyi"
    init_stub = (PACKAGE / "__init__.pyi").read_text()
    for name in salespulse.__all__:
        assert name in init_stub, name
