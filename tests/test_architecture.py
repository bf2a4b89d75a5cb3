"""The layout rules the code promises to keep, checked rather than hoped for."""

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "amparo"
DOMAIN_MODULES = sorted(p for p in PACKAGE.glob("*/domain/**/*.py"))


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_there_are_domain_modules_to_check():
    assert DOMAIN_MODULES


# Messages in the user's language are part of the domain; everything else of Django is not.
ALLOWED_DJANGO = {"django.utils.translation"}


@pytest.mark.parametrize("path", DOMAIN_MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_domain_code_does_not_import_django(path):
    django_imports = {
        name
        for name in _imported_modules(path)
        if (name == "django" or name.startswith("django.")) and name not in ALLOWED_DJANGO
    }
    assert not django_imports, (
        f"{path.relative_to(PACKAGE)} imports {sorted(django_imports)}: keep Django out of domain/"
    )


def test_no_grab_bag_modules():
    grab_bags = [
        p.relative_to(PACKAGE) for p in PACKAGE.rglob("*.py") if p.stem in {"utils", "helpers", "misc", "common"}
    ]
    assert not grab_bags, f"name modules for their concept, not {grab_bags}"


def _app_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "amparo" or len(parts) < 2 or not (PACKAGE / parts[1]).is_dir():
        return None
    return parts[1]


def app_imports() -> dict[str, set[str]]:
    """{app: the other amparo apps (and core) its modules import}, wherever the import stands in the module."""
    graph: dict[str, set[str]] = {}
    for path in PACKAGE.glob("*/**/*.py"):
        app = path.relative_to(PACKAGE).parts[0]
        imported = {_app_of(name) for name in _imported_modules(path)}
        graph.setdefault(app, set()).update(imported - {None, app})
    return graph


def import_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One cycle of the graph (as its apps in order, first repeated at the end), or [] if there is none."""
    state: dict[str, str] = {}

    def visit(app: str, path: list[str]) -> list[str]:
        state[app] = "open"
        for other in sorted(graph.get(app, ())):
            if state.get(other) == "open":
                return path[path.index(other) :] + [other]
            if other not in state and (cycle := visit(other, [*path, other])):
                return cycle
        state[app] = "done"
        return []

    for app in sorted(graph):
        if app not in state and (cycle := visit(app, [app])):
            return cycle
    return []


def test_the_cycle_finder_finds_a_cycle():
    assert import_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == ["a", "b", "c", "a"]
    assert import_cycle({"a": {"b"}, "b": {"c"}, "d": {"a", "c"}}) == []


def test_accounts_audit_and_registry_import_each_other_one_way_only():
    """accounts (users, roles, capabilities) <- audit (the log, whose pages ask accounts) <- registry (cases,
    whose door audits identity views): nothing lower imports anything higher."""
    graph = app_imports()
    assert "accounts" in graph["audit"]  # the walk sees real imports
    assert not graph["accounts"] & {"audit", "registry"}, f"accounts imports {graph['accounts']}"
    assert "registry" not in graph["audit"], f"audit imports {graph['audit']}"


def test_no_import_cycle_between_apps():
    cycle = import_cycle(app_imports())
    assert not cycle, f"apps import each other in a cycle: {' -> '.join(cycle)}"


# --- Only the registry writes the registry -------------------------------------------------------------------
# Its services keep derived fields right and seal every identity one way; a write from anywhere else can break
# either without any test of that module noticing. Found statically: ORM writes through a registry model's
# manager, a queryset or an instance of one (parameters annotated with the model, names bound to its objects,
# related objects of both), SQL that inserts, updates or deletes registry tables, and registry models handed
# to a bulk writer such as core.sql_bulk.insert_rows.

REGISTRY_MODELS_MODULE = "amparo.registry.models"
WRITE_METHODS = {"create", "bulk_create", "get_or_create", "update_or_create", "update", "delete", "bulk_update"}
INSTANCE_WRITES = {"save", "delete"}
QUERYSET_METHODS = {
    "all",
    "filter",
    "exclude",
    "order_by",
    "select_related",
    "prefetch_related",
    "only",
    "defer",
    "distinct",
    "select_for_update",
    "annotate",
    "using",
    "none",
    "reverse",
}
INSTANCE_GETTERS = {"get", "first", "last", "earliest", "latest", "create"}
MANAGERS = {"objects", "_base_manager", "_default_manager"}
GENERIC_MANAGERS = {"_base_manager", "_default_manager"}
SQL_WRITE = re.compile(r"\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\b", re.IGNORECASE)
REGISTRY_TABLE_WRITE = re.compile(r"\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+[\"'`]?registry_", re.IGNORECASE)
BULK_WRITER = re.compile(r"insert|update|delete|write", re.IGNORECASE)
# Modules outside the registry allowed to write its tables, and why. Key rotation re-seals every sealed value of
# every app, found by introspection (a model's _base_manager over apps.get_models()), with the active key: it
# changes no value, only the key sealing it, and must reach every app's sealed fields, the registry's among them.
# It is named by its module, wherever it lives (accounts today, beside the crypto in core tomorrow).
GENERIC_RESEALERS = {"key_rotation"}


def _registry_models() -> dict[str, type]:
    from django.apps import apps

    return {model.__name__: model for model in apps.get_app_config("registry").get_models()}


class _RegistryWrites(ast.NodeVisitor):
    """The registry writes of one module: (line, what) for each."""

    def __init__(self, tree: ast.Module, models: dict[str, type]):
        self.models, self.found = models, []
        self.names: dict[str, str] = {}  # local name -> registry model class name
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == REGISTRY_MODELS_MODULE:
                self.names.update({a.asname or a.name: a.name for a in node.names if a.name in models})
        self.tree = tree

    # What an expression is: ("class" | "manager" | "queryset" | "instance" | "table", model name), or None.
    def kind(self, node, env) -> tuple[str, str] | None:
        if isinstance(node, ast.Name):
            if node.id in env:
                return env[node.id]
            return ("class", self.names[node.id]) if node.id in self.names else None
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in self.names:
            return ("class", self.names[node.value])  # a string annotation
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):  # Case | None
            return self.kind(node.left, env) or self.kind(node.right, env)
        if isinstance(node, ast.IfExp):
            return self.kind(node.body, env) or self.kind(node.orelse, env)
        if isinstance(node, ast.Subscript):
            inner = self.kind(node.value, env)
            if inner and inner[0] == "queryset":
                return inner if isinstance(node.slice, ast.Slice) else ("instance", inner[1])
            return None
        if isinstance(node, ast.Attribute):
            inner = self.kind(node.value, env)
            if inner is None:
                return None
            if inner[0] == "class" and node.attr in MANAGERS:
                return ("manager", inner[1])
            if inner[0] == "class" and node.attr == "_meta":
                return ("meta", inner[1])
            if inner[0] == "meta" and node.attr == "db_table":
                return ("table", inner[1])
            if inner[0] == "instance":
                return self._related(inner[1], node.attr)
            return None
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id in ("list", "sorted") and node.args:
                listed = self.kind(node.args[0], env)  # a list of a queryset's objects
                return ("queryset", listed[1]) if listed and listed[0] in ("queryset", "manager") else None
            if isinstance(func, ast.Name):
                called = self.kind(func, env)
                if called and called[0] == "class":
                    return ("instance", called[1])
                return None
            if isinstance(func, ast.Attribute):
                inner = self.kind(func.value, env)
                if inner and inner[0] in ("manager", "queryset"):
                    if func.attr in QUERYSET_METHODS:
                        return ("queryset", inner[1])
                    if func.attr in INSTANCE_GETTERS:
                        return ("instance", inner[1])
        return None

    def _related(self, model_name: str, attribute: str) -> tuple[str, str] | None:
        """An instance's related object (forward) or manager (reverse), when it is of a registry model."""
        from django.core.exceptions import FieldDoesNotExist

        model = self.models[model_name]
        try:
            field = model._meta.get_field(attribute)
        except FieldDoesNotExist:
            return None
        related = getattr(field, "related_model", None)
        if related is None or related._meta.app_label != "registry":
            return None
        forward = field.many_to_one or field.one_to_one
        return ("instance" if forward else "manager", related.__name__)

    def _bind(self, target, value_kind, env) -> None:
        if isinstance(target, ast.Name) and value_kind:
            env[target.id] = value_kind

    def bindings(self, scope, outer: dict | None = None) -> dict[str, tuple[str, str]]:
        """Names bound to registry objects in a function (or the module), by annotation, assignment or loop."""
        env: dict[str, tuple[str, str]] = dict(outer or {})
        if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)):
            arguments = scope.args
            for argument in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]:
                annotated = self.kind(argument.annotation, {}) if argument.annotation is not None else None
                if annotated and annotated[0] == "class":
                    env[argument.arg] = ("instance", annotated[1])
        for _ in range(3):  # names bound from names bound later in the walk
            for node in ast.walk(scope):
                if isinstance(node, ast.Assign):
                    value = node.value
                    for target in node.targets:
                        if (
                            isinstance(target, ast.Tuple)
                            and isinstance(value, ast.Call)
                            and isinstance(value.func, ast.Attribute)
                            and value.func.attr in ("get_or_create", "update_or_create")
                        ):
                            owner = self.kind(value.func.value, env)
                            if owner and target.elts:
                                self._bind(target.elts[0], ("instance", owner[1]), env)
                        else:
                            self._bind(target, self.kind(value, env), env)
                elif isinstance(node, ast.AnnAssign) and node.value is not None:
                    self._bind(node.target, self.kind(node.value, env), env)
                elif isinstance(node, (ast.For, ast.comprehension)):
                    iterated = self.kind(node.iter, env)
                    if iterated and iterated[0] in ("queryset", "manager"):
                        self._bind(node.target, ("instance", iterated[1]), env)
        return env

    def check(self) -> list[tuple[int, str]]:
        self._visit(self.tree, self.bindings(self.tree))
        return sorted(set(self.found))

    def _visit(self, node, env) -> None:
        """Check every node with the names bound in its function and in the functions around it."""
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self._visit(child, {**env, **self.bindings(child, env)})
            else:
                self._check_node(child, env)
                self._visit(child, env)

    def _check_node(self, node, env) -> None:
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            receiver, method = self.kind(node.func.value, env), node.func.attr
            if receiver and receiver[0] in ("manager", "queryset") and method in WRITE_METHODS:
                self.found.append((node.lineno, f"{receiver[1]}: .{method}()"))
            elif receiver and receiver[0] == "instance" and method in INSTANCE_WRITES:
                self.found.append((node.lineno, f"{receiver[1]} instance: .{method}()"))
            elif (
                receiver is None
                and method in WRITE_METHODS
                and isinstance(node.func.value, ast.Attribute)
                and node.func.value.attr in GENERIC_MANAGERS
            ):
                self.found.append((node.lineno, f"any model: ._base_manager.{method}()"))
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            for argument in node.args:
                handed = self.kind(argument, env)
                if handed and handed[0] == "class" and BULK_WRITER.search(name):
                    self.found.append((node.lineno, f"{handed[1]} handed to {name}()"))
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and REGISTRY_TABLE_WRITE.search(node.value):
            self.found.append((node.lineno, f"SQL: {node.value[:60]}"))
        if isinstance(node, ast.JoinedStr):
            text = "".join(part.value for part in node.values if isinstance(part, ast.Constant))
            tables = [
                self.kind(inner, env)
                for part in node.values
                if isinstance(part, ast.FormattedValue)
                for inner in ast.walk(part.value)
            ]
            if SQL_WRITE.search(text) and any(t and t[0] in ("class", "table") for t in tables):
                self.found.append((node.lineno, f"SQL on a registry table: {text[:60]}"))


def registry_writes(source: str) -> list[tuple[int, str]]:
    return _RegistryWrites(ast.parse(source), _registry_models()).check()


OUTSIDE_REGISTRY = sorted(p for p in PACKAGE.rglob("*.py") if p.relative_to(PACKAGE).parts[0] != "registry")


@pytest.mark.parametrize("path", OUTSIDE_REGISTRY, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_only_the_registry_writes_registry_tables(path):
    found = registry_writes(path.read_text(encoding="utf-8"))
    if path.stem in GENERIC_RESEALERS:
        found = [(line, what) for line, what in found if not what.startswith("any model")]
    assert not found, f"{path.relative_to(PACKAGE)} writes the registry: {found}; go through registry.services"


HEADER = "from amparo.registry.models import Case, CaseCode, Organisation, Perpetrator, Person\n"
WRITES = {
    "manager": "Organisation.objects.get_or_create(name='x')",
    "queryset": "Case.objects.filter(pk=1).update(status='Closed')",
    "queryset bound": "cases = Case.objects.filter(pk=1)\ncases.update(owner=None)",
    "created instance": "person = Person.objects.create()\nperson.save()",
    "parameter": "def f(case: Case | None):\n    case.save()",
    "loop": "for p in Perpetrator.objects.all():\n    p.delete()",
    "reverse relation": "def f(case: 'Case'):\n    case.events.all().delete()",
    "forward relation": "def f(case: Case):\n    case.victim.save()",
    "new object": "def f(case):\n    row = Perpetrator(case=case)\n    row.save()",
    "listed object": "def f(case: Case, i):\n    rows = list(case.perpetrators.all())\n"
    "    row = rows[i] if i < len(rows) else Perpetrator(case=case)\n    row.save()",
    "SQL": "cursor.execute(\"UPDATE registry_case SET status = 'Closed'\")",
    "SQL on a model's table": "cursor.execute(f'DELETE FROM {table_of(CaseCode)} WHERE id = 1')",
    "SQL on a table name": "table = Case._meta.db_table\ncursor.execute(f'INSERT INTO {table} (id) VALUES (1)')",
    "bulk writer": "insert_rows(Perpetrator, {'case_id': [1]})",
    "any model": "for model in apps.get_models():\n    model._base_manager.bulk_update([], ['x'])",
}
READS = {
    "count": "Case.objects.filter(pk=1).count()",
    "another app's relation": "def f(case: Case):\n    case.edit_conflicts.create(user=None)",
    "another app's model": "CareArrangement.objects.filter(case=1).update(ended_on=None)",
    "SELECT": "cursor.execute('SELECT * FROM registry_case')",
    "SELECT by model": "cursor.execute(f'SELECT id FROM {table_of(Case)}')",
    "unknown object": "def f(plan):\n    plan.save()",
    "another app's bulk write": "insert_rows(CaseProvenance, {'case_id': [1]})",
}


@pytest.mark.parametrize("name", WRITES)
def test_the_check_finds_each_kind_of_registry_write(name):
    assert registry_writes(HEADER + WRITES[name])


@pytest.mark.parametrize("name", READS)
def test_the_check_leaves_reads_and_other_apps_writes_alone(name):
    assert registry_writes(HEADER + READS[name]) == []
