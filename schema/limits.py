"""Query cost: computed from the document, the schema's types and the variables before any resolver or
SQL runs.

Each field costs 1. A field that returns a list or a page multiplies the cost of what it selects by the
number of items it can return: its ``first`` argument, else the default page size for a page, else a fixed
estimate for an unpaged list (a mentor has at most 20 students). A request over the limit is refused with
code COST_LIMIT; every response reports its cost in ``extensions.cost``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
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
    value_from_ast_untyped,
)
from strawberry.extensions import SchemaExtension

from schema.pagination import DEFAULT_PAGE_SIZE

UNPAGED_LIST_ESTIMATE = 20


class CostLimiter(SchemaExtension):
    def __init__(self, *, max_cost: int) -> None:
        self.max_cost = max_cost
        self.cost: int | None = None

    def on_validate(self) -> Iterator[None]:
        # Before validation runs: strawberry checks for errors inside its validation block, so errors set
        # after the yield would come too late. Unknown fields are skipped here; validation reports them.
        self._check()
        yield

    def _check(self) -> None:
        context = self.execution_context
        document = context.graphql_document
        if context.pre_execution_errors or document is None:
            return
        schema: GraphQLSchema = context.schema._schema
        walker = _CostWalker(
            schema,
            {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)},
            context.variables or {},
        )
        total = 0
        for definition in document.definitions:
            if not isinstance(definition, OperationDefinitionNode):
                continue
            if context.operation_name and definition.name and definition.name.value != context.operation_name:
                continue
            root = schema.get_root_type(definition.operation)
            total += walker.cost(definition.selection_set, root)
        self.cost = total
        if total > self.max_cost:
            context.pre_execution_errors = [
                GraphQLError(
                    f"query cost {total} exceeds the limit of {self.max_cost}: ask for smaller pages",
                    extensions={"code": "COST_LIMIT", "cost": total, "limit": self.max_cost},
                )
            ]

    def get_results(self) -> dict[str, Any]:
        return {} if self.cost is None else {"cost": {"requested": self.cost, "limit": self.max_cost}}


class _CostWalker:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables

    def cost(
        self, selection_set: SelectionSetNode | None, parent: GraphQLNamedType | None, depth: int = 0
    ) -> int:
        if selection_set is None or parent is None or depth > 64:
            return 0
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                name = selection.name.value
                if name.startswith("__") or not isinstance(parent, GraphQLObjectType):
                    continue
                field = parent.fields.get(name)
                if field is None:
                    continue
                child_type = get_named_type(field.type)
                children = self.cost(selection.selection_set, child_type, depth + 1)
                # A page's edges were already counted by the field that returned the page.
                in_page = parent.name.endswith("Connection") and name == "edges"
                total += 1 + (1 if in_page else self._items(selection, field.type)) * children
            elif isinstance(selection, InlineFragmentNode):
                target = (
                    self.schema.get_type(selection.type_condition.name.value)
                    if selection.type_condition
                    else parent
                )
                total += self.cost(selection.selection_set, target, depth + 1)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments.get(selection.name.value)
                if fragment is not None:
                    target = self.schema.get_type(fragment.type_condition.name.value)
                    total += self.cost(fragment.selection_set, target, depth + 1)
        return total

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
            value = (
                self.variables.get(argument.value.name.value)
                if isinstance(argument.value, VariableNode)
                else value_from_ast_untyped(argument.value)
            )
            if isinstance(value, int):
                return max(1, value)
        return None
