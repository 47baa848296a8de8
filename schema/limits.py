"""Checks before any resolver or SQL runs: validation with limits and codes, and the query cost.

``RequestValidation`` runs graphql-core's validation itself (strawberry would run it without codes and
with suggestions): the depth and alias limits first (codes DEPTH_LIMIT, ALIAS_LIMIT; linear in the
document, however its fragments are spread), then the spec's
rules, whose errors get code GRAPHQL_VALIDATION_FAILED; in production no error says "Did you mean ...".
``Executor`` does the same for the variables sent with a request: a value that cannot be coerced, a
missing required variable or input field, gets code BAD_USER_INPUT and no suggestion in production.

Query cost, on the operation as executed: inline and named fragments expanded at any depth, ``first``
taken from the literal, the variable sent or the variable's default. Each field costs 1. A field that
returns a list or a page multiplies the cost of what it selects by the number of items it can return: its
``first`` argument, else the default page size for a page, else a fixed estimate for an unpaged list (a
mentor has at most 20 students). A request over the limit is refused with code COST_LIMIT; every
response reports its cost in ``extensions.cost``.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    validate,
    value_from_ast_untyped,
)
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule

from schema.pagination import DEFAULT_PAGE_SIZE

UNPAGED_LIST_ESTIMATE = 20


def with_code(errors: list[GraphQLError], code: str) -> list[GraphQLError]:
    """Give each error without a code this one (in place)."""
    for error in errors:
        if not (error.extensions and "code" in error.extensions):
            error.extensions = {**(error.extensions or {}), "code": code}
    return errors


class _Shape:
    """Depth and alias count of selections, with each named fragment walked once (strawberry's
    QueryDepthLimiter and MaxAliasesLimiter walk a fragment again at every spread: 30 fragments that
    each spread the next one twice take 2^30 steps, and hang the server before anything else runs)."""

    def __init__(self, fragments: Mapping[str, FragmentDefinitionNode]) -> None:
        self.fragments = fragments
        self.memo: dict[str, tuple[int, int]] = {}
        self.visiting: set[str] = set()

    def of(self, selection_set: SelectionSetNode) -> tuple[int, int]:
        depth = aliases = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                aliases += 1 if selection.alias else 0
                if selection.selection_set is not None:
                    inner, inner_aliases = self.of(selection.selection_set)
                    aliases += inner_aliases
                    if not selection.name.value.startswith("__"):  # introspection has no depth
                        depth = max(depth, 1 + inner)
            elif isinstance(selection, InlineFragmentNode):
                inner, inner_aliases = self.of(selection.selection_set)
                depth, aliases = max(depth, inner), aliases + inner_aliases
            elif isinstance(selection, FragmentSpreadNode):
                inner, inner_aliases = self._fragment(selection.name.value)
                depth, aliases = max(depth, inner), aliases + inner_aliases
        return depth, aliases

    def _fragment(self, name: str) -> tuple[int, int]:
        if name in self.memo:
            return self.memo[name]
        fragment = self.fragments.get(name)
        if fragment is None or name in self.visiting:  # unknown or a cycle: validation reports it
            return 0, 0
        self.visiting.add(name)
        self.memo[name] = self.of(fragment.selection_set)
        self.visiting.discard(name)
        return self.memo[name]


def fragments_of(document: DocumentNode) -> dict[str, FragmentDefinitionNode]:
    return {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}


class ValidDocuments:
    """The texts of documents that passed validation (a bounded LRU, one per schema): validation depends
    only on the document, and takes ~10 ms for a dashboard query, every time a client sends it."""

    def __init__(self, size: int = 1000) -> None:
        self.size = size
        self._texts: OrderedDict[str, None] = OrderedDict()

    def __contains__(self, text: object) -> bool:
        if not isinstance(text, str) or text not in self._texts:
            return False
        self._texts.move_to_end(text)
        return True

    def add(self, text: str) -> None:
        self._texts[text] = None
        while len(self._texts) > self.size:
            self._texts.popitem(last=False)


class RequestValidation(SchemaExtension):
    def __init__(
        self,
        *,
        max_depth: int,
        max_aliases: int,
        hide_suggestions: bool,
        valid_documents: ValidDocuments | None = None,
    ) -> None:
        self.max_depth = max_depth
        self.max_aliases = max_aliases
        self.hide_suggestions = hide_suggestions
        self.valid_documents = valid_documents if valid_documents is not None else ValidDocuments(0)

    def on_validate(self) -> Iterator[None]:
        # Before the yield: strawberry skips its own validation when errors (or none) are already set.
        context = self.execution_context
        document = context.graphql_document
        if context.pre_execution_errors is None and document is not None:
            if context.query in self.valid_documents:
                context.pre_execution_errors = []
                yield
                return
            errors = self._limits(document)
            if not errors:
                schema: GraphQLSchema = context.schema._schema
                rules = (*context.validation_rules, MaybeNullValidationRule, OneOfInputValidationRule)
                errors = with_code(
                    validate(schema, document, rules, hide_suggestions=self.hide_suggestions),
                    "GRAPHQL_VALIDATION_FAILED",
                )
            if not errors and context.query is not None:
                self.valid_documents.add(context.query)
            context.pre_execution_errors = errors
        yield

    def _limits(self, document: DocumentNode) -> list[GraphQLError]:
        """Depth (fragments add none) and aliases (counted at every spread), in linear time."""
        shape = _Shape(fragments_of(document))
        errors: list[GraphQLError] = []
        total_aliases = 0
        for definition in document.definitions:
            if not isinstance(definition, OperationDefinitionNode):
                continue
            depth, aliases = shape.of(definition.selection_set)
            total_aliases += aliases
            if depth > self.max_depth:
                name = definition.name.value if definition.name else "anonymous"
                errors.append(
                    GraphQLError(
                        f"'{name}' exceeds maximum operation depth of {self.max_depth}",
                        [definition],
                        extensions={"code": "DEPTH_LIMIT", "limit": self.max_depth},
                    )
                )
        if total_aliases > self.max_aliases:
            errors.append(
                GraphQLError(
                    f"{total_aliases} aliases found. Allowed: {self.max_aliases}",
                    extensions={"code": "ALIAS_LIMIT", "limit": self.max_aliases},
                )
            )
        return errors


class Executor(StrawberryGraphQLCoreExecutionContext):
    """graphql-core's executor, with coded variable errors; ``hide_suggestions`` set per schema."""

    hide_suggestions_in_errors = False

    @classmethod
    def build(cls, *args: Any, **kwargs: Any) -> Any:
        kwargs["hide_suggestions"] = cls.hide_suggestions_in_errors
        built = super().build(*args, **kwargs)
        if isinstance(built, list):  # the variables (or the operation name) do not fit the operation
            with_code(built, "BAD_USER_INPUT")
        return built


class ProductionExecutor(Executor):
    hide_suggestions_in_errors = True


class KnownCosts:
    """Costs of query texts whose cost reads no variable (a bounded LRU, one per schema): walking the
    document again gives the same number. A cost that reads a variable (``first: $n``) is computed for
    every request."""

    def __init__(self, size: int = 1000) -> None:
        self.size = size
        self._costs: OrderedDict[tuple[str, str | None], int] = OrderedDict()

    def get(self, key: tuple[str, str | None]) -> int | None:
        cost = self._costs.get(key)
        if cost is not None:
            self._costs.move_to_end(key)
        return cost

    def put(self, key: tuple[str, str | None], cost: int) -> None:
        self._costs[key] = cost
        while len(self._costs) > self.size:
            self._costs.popitem(last=False)


class CostLimiter(SchemaExtension):
    def __init__(self, *, max_cost: int, known_costs: KnownCosts | None = None) -> None:
        self.max_cost = max_cost
        self.known_costs = known_costs if known_costs is not None else KnownCosts(0)
        self.cost: int | None = None

    def on_validate(self) -> Iterator[None]:
        # Listed after RequestValidation: the document is valid here (no unknown field, no fragment
        # cycle), and the check still comes before strawberry looks for errors.
        self._check()
        yield

    def _check(self) -> None:
        context = self.execution_context
        document = context.graphql_document
        if context.pre_execution_errors or document is None:
            return
        key = (context.query or "", context.operation_name)
        total = self.known_costs.get(key) if context.query is not None else None
        if total is None:
            total, read_variables = self._walk(document)
            if not read_variables and context.query is not None:
                self.known_costs.put(key, total)
        self.cost = total
        if total > self.max_cost:
            context.pre_execution_errors = [
                GraphQLError(
                    f"query cost {total} exceeds the limit of {self.max_cost}: ask for smaller pages",
                    extensions={"code": "COST_LIMIT", "cost": total, "limit": self.max_cost},
                )
            ]

    def _walk(self, document: DocumentNode) -> tuple[int, bool]:
        """The operation's cost, and whether it read a variable."""
        context = self.execution_context
        schema: GraphQLSchema = context.schema._schema
        fragments = fragments_of(document)
        sent = context.variables if isinstance(context.variables, Mapping) else {}
        total = 0
        read_variables = False
        for definition in document.definitions:
            if not isinstance(definition, OperationDefinitionNode):
                continue
            if context.operation_name and definition.name and definition.name.value != context.operation_name:
                continue
            variables = dict(sent)
            for variable in definition.variable_definitions or ():
                name = variable.variable.name.value
                if name not in variables and variable.default_value is not None:
                    variables[name] = value_from_ast_untyped(variable.default_value)
            root = schema.get_root_type(definition.operation)
            walker = _CostWalker(schema, fragments, variables)
            total += walker.cost(definition.selection_set, root)
            read_variables = read_variables or walker.read_variables
        return total, read_variables

    def get_results(self) -> dict[str, Any]:
        return {} if self.cost is None else {"cost": {"requested": self.cost, "limit": self.max_cost}}


class _CostWalker:
    """Walks the operation as graphql-core will execute it: inline fragments and named fragments are
    expanded (at any nesting: validation has already refused cycles), and ``first`` comes from the
    literal, the variable sent, or the variable's default."""

    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        # A named fragment costs the same wherever it is spread on the same type: computed once, so a
        # fragment spread twice in a fragment spread twice... costs a multiplication, not a walk.
        self.fragment_costs: dict[tuple[str, str], int] = {}
        self.read_variables = False

    def cost(self, selection_set: SelectionSetNode | None, parent: GraphQLNamedType | None) -> int:
        if selection_set is None or parent is None:
            return 0
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self._field_cost(selection, parent)
            elif isinstance(selection, InlineFragmentNode):
                target = (
                    self.schema.get_type(selection.type_condition.name.value)
                    if selection.type_condition
                    else parent
                )
                total += self.cost(selection.selection_set, target)
            elif isinstance(selection, FragmentSpreadNode):
                total += self._fragment_cost(selection.name.value)
        return total

    def _field_cost(self, node: FieldNode, parent: GraphQLNamedType) -> int:
        name = node.name.value
        if name.startswith("__") or not isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            return 0
        field = parent.fields.get(name)
        if field is None:
            return 0
        children = self.cost(node.selection_set, get_named_type(field.type))
        # A page's edges were already counted by the field that returned the page.
        in_page = parent.name.endswith("Connection") and name == "edges"
        return 1 + (1 if in_page else self._items(node, field.type)) * children

    def _fragment_cost(self, name: str) -> int:
        fragment = self.fragments.get(name)
        if fragment is None:
            return 0
        key = (name, fragment.type_condition.name.value)
        if key not in self.fragment_costs:
            self.fragment_costs[key] = 0  # a cycle (refused by validation) would count nothing more
            target = self.schema.get_type(fragment.type_condition.name.value)
            self.fragment_costs[key] = self.cost(fragment.selection_set, target)
        return self.fragment_costs[key]

    def _items(self, node: FieldNode, field_type: Any) -> int:
        first = self._first(node)
        if first is not None:
            return first
        if isinstance(get_nullable_type(field_type), GraphQLList):
            return UNPAGED_LIST_ESTIMATE
        if get_named_type(field_type).name.endswith("Connection"):
            return DEFAULT_PAGE_SIZE
        return 1

    def _first(self, node: FieldNode) -> int | None:
        for argument in node.arguments or ():
            if argument.name.value != "first":
                continue
            if isinstance(argument.value, VariableNode):
                self.read_variables = True
                value = self.variables.get(argument.value.name.value)
            else:
                value = value_from_ast_untyped(argument.value)
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            if isinstance(value, int) and not isinstance(value, bool):
                return max(1, value)
        return None
