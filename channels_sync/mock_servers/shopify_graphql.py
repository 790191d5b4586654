"""The slice of Shopify's Admin GraphQL schema the mock serves, executed with graphql-core.

Queries: `shop`, `orders` (connection with `pageInfo`, `first`/`after`, `query:`), `order(id:)`,
`nodes(ids:)` (inventory items with `inventoryLevel(locationId:)`); mutation
`inventorySetQuantities`. Cost is computed as Shopify documents it (scalar and enum 0, object 1,
connection 2 + first × its node's cost, mutation 10) before the query runs, and the actual cost
after it (connections counted by the objects returned).
"""

from __future__ import annotations

from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    InlineFragmentNode,
    OperationDefinitionNode,
    build_schema,
    get_named_type,
    is_leaf_type,
    parse,
    validate,
)
from graphql.language import IntValueNode, ListValueNode, VariableNode

SDL = """
scalar DateTime
scalar Decimal
scalar URL
scalar UnsignedInt64

interface Node { id: ID! }

enum CurrencyCode { USD EUR GBP CAD AUD JPY KWD CHF SEK NOK DKK PLN CZK NZD MXN BRL INR SGD HKD }
enum OrderSortKeys { CREATED_AT UPDATED_AT PROCESSED_AT ID ORDER_NUMBER TOTAL_PRICE }
enum OrderDisplayFinancialStatus { AUTHORIZED PAID PARTIALLY_PAID PARTIALLY_REFUNDED PENDING REFUNDED VOIDED EXPIRED }
enum OrderDisplayFulfillmentStatus { FULFILLED IN_PROGRESS ON_HOLD OPEN PARTIALLY_FULFILLED PENDING_FULFILLMENT RESTOCKED SCHEDULED UNFULFILLED }
enum OrderCancelReason { CUSTOMER DECLINED FRAUD INVENTORY OTHER STAFF }
enum InventorySetQuantitiesUserErrorCode { COMPARE_QUANTITY_STALE INVALID_QUANTITY_INPUTS INVALID_INVENTORY_ITEM INVALID_LOCATION INVALID_NAME INVALID_REASON }

type MoneyV2 { amount: Decimal! currencyCode: CurrencyCode! }
type MoneyBag { shopMoney: MoneyV2! presentmentMoney: MoneyV2! }

type Domain { host: String! url: URL! }
type ShopPlan { displayName: String! partnerDevelopment: Boolean! shopifyPlus: Boolean! }
type Shop implements Node {
  id: ID!
  name: String!
  email: String!
  myshopifyDomain: String!
  currencyCode: CurrencyCode!
  enabledPresentmentCurrencies: [CurrencyCode!]!
  ianaTimezone: String!
  taxesIncluded: Boolean!
  primaryDomain: Domain!
  plan: ShopPlan!
}

type MailingAddress {
  name: String
  firstName: String
  lastName: String
  company: String
  address1: String
  address2: String
  city: String
  province: String
  provinceCode: String
  zip: String
  country: String
  countryCodeV2: String
  phone: String
}

type ProductVariant implements Node { id: ID! sku: String legacyResourceId: UnsignedInt64! }

type TaxLine { title: String! rate: Float ratePercentage: Float priceSet: MoneyBag! }
type DiscountAllocation { allocatedAmountSet: MoneyBag! }

type LineItem implements Node {
  id: ID!
  name: String!
  title: String!
  sku: String
  quantity: Int!
  currentQuantity: Int!
  requiresShipping: Boolean!
  taxable: Boolean!
  variant: ProductVariant
  originalUnitPriceSet: MoneyBag!
  discountedUnitPriceSet: MoneyBag!
  originalTotalSet: MoneyBag!
  taxLines: [TaxLine!]!
  discountAllocations: [DiscountAllocation!]!
}
type LineItemEdge { cursor: String! node: LineItem! }
type PageInfo { hasNextPage: Boolean! hasPreviousPage: Boolean! startCursor: String endCursor: String }
type LineItemConnection { edges: [LineItemEdge!]! nodes: [LineItem!]! pageInfo: PageInfo! }

type ShippingLine { title: String! code: String source: String originalPriceSet: MoneyBag! discountedPriceSet: MoneyBag! taxLines: [TaxLine!]! }

type Order implements Node {
  id: ID!
  legacyResourceId: UnsignedInt64!
  name: String!
  email: String
  phone: String
  createdAt: DateTime!
  updatedAt: DateTime!
  processedAt: DateTime!
  cancelledAt: DateTime
  cancelReason: OrderCancelReason
  closed: Boolean!
  test: Boolean!
  currencyCode: CurrencyCode!
  presentmentCurrencyCode: CurrencyCode!
  taxesIncluded: Boolean!
  displayFinancialStatus: OrderDisplayFinancialStatus
  displayFulfillmentStatus: OrderDisplayFulfillmentStatus!
  subtotalPriceSet: MoneyBag
  totalPriceSet: MoneyBag!
  totalTaxSet: MoneyBag
  totalDiscountsSet: MoneyBag
  totalShippingPriceSet: MoneyBag!
  shippingAddress: MailingAddress
  billingAddress: MailingAddress
  shippingLine: ShippingLine
  taxLines: [TaxLine!]!
  discountCodes: [String!]!
  lineItems(first: Int, after: String, last: Int, before: String): LineItemConnection!
}
type OrderEdge { cursor: String! node: Order! }
type OrderConnection { edges: [OrderEdge!]! nodes: [Order!]! pageInfo: PageInfo! }

type InventoryQuantity { name: String! quantity: Int! }
type InventoryLevel implements Node { id: ID! quantities(names: [String!]!): [InventoryQuantity!]! }
type InventoryItem implements Node {
  id: ID!
  sku: String
  tracked: Boolean!
  inventoryLevel(locationId: ID!): InventoryLevel
}

type Query {
  shop: Shop!
  orders(first: Int, after: String, last: Int, before: String, query: String, sortKey: OrderSortKeys, reverse: Boolean): OrderConnection!
  order(id: ID!): Order
  node(id: ID!): Node
  nodes(ids: [ID!]!): [Node]!
  inventoryItem(id: ID!): InventoryItem
}

input InventoryQuantityInput { inventoryItemId: ID! locationId: ID! quantity: Int! compareQuantity: Int }
input InventorySetQuantitiesInput {
  name: String!
  reason: String!
  referenceDocumentUri: String
  ignoreCompareQuantity: Boolean
  quantities: [InventoryQuantityInput!]!
}
type InventoryChange { name: String! delta: Int! quantityAfterChange: Int }
type InventoryAdjustmentGroup { createdAt: DateTime! reason: String! referenceDocumentUri: String changes: [InventoryChange!]! }
type InventorySetQuantitiesUserError { field: [String!] message: String! code: InventorySetQuantitiesUserErrorCode }
type InventorySetQuantitiesPayload { inventoryAdjustmentGroup: InventoryAdjustmentGroup userErrors: [InventorySetQuantitiesUserError!]! }

type Mutation { inventorySetQuantities(input: InventorySetQuantitiesInput!): InventorySetQuantitiesPayload }
"""

SCHEMA = build_schema(SDL)


def _resolve_type(value: Any, info: Any, abstract: Any) -> str | None:
    return value.get("__typename") if isinstance(value, dict) else None


for _name in ("Node",):
    SCHEMA.type_map[_name].resolve_type = _resolve_type  # type: ignore[attr-defined]


def parse_and_validate(query: str) -> tuple[Any, list[GraphQLError]]:
    """→ (document, errors). Syntax and validation errors as graphql-core reports them."""
    try:
        document = parse(query)
    except GraphQLError as exc:
        return None, [exc]
    return document, list(validate(SCHEMA, document))


def _int_arg(field: FieldNode, name: str, variables: dict) -> int | None:
    for arg in field.arguments or ():
        if arg.name.value != name:
            continue
        value = arg.value
        if isinstance(value, IntValueNode):
            return int(value.value)
        if isinstance(value, VariableNode):
            raw = variables.get(value.name.value)
            return int(raw) if isinstance(raw, int) else None
    return None


def _list_len(field: FieldNode, name: str, variables: dict) -> int:
    for arg in field.arguments or ():
        if arg.name.value != name:
            continue
        value = arg.value
        if isinstance(value, ListValueNode):
            return len(value.values)
        if isinstance(value, VariableNode):
            raw = variables.get(value.name.value)
            return len(raw) if isinstance(raw, list) else 1
    return 1


def requested_cost(
    document: Any,
    variables: dict,
    operation_name: str | None = None,
    *,
    returned: dict[str, int] | None = None,
) -> int:
    """Shopify's requestedQueryCost for the operation that will run; with `returned` (root
    connection field → nodes it returned) the actual cost, counting what came back."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    ops = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    op = next(
        (o for o in ops if o.name and o.name.value == operation_name), ops[0] if ops else None
    )
    if op is None:
        return 0
    root = SCHEMA.mutation_type if op.operation.value == "mutation" else SCHEMA.query_type
    cost = _selection_cost(op.selection_set, root, fragments, variables, returned or {})
    if op.operation.value == "mutation":
        # A mutation field costs 10 (counted as an object, 1, above).
        cost += 9 * len(op.selection_set.selections)
    return cost


def _selection_cost(
    selection_set: Any, parent: Any, fragments: dict, variables: dict, returned: dict | None = None
) -> int:
    if selection_set is None or parent is None:
        return 0
    total = 0
    for sel in selection_set.selections:
        if isinstance(sel, FieldNode):
            name = sel.name.value
            if name.startswith("__") or not isinstance(parent, GraphQLObjectType):
                continue
            field_def = parent.fields.get(name)
            if field_def is None:
                continue
            named = get_named_type(field_def.type)
            if is_leaf_type(named):
                continue
            if named.name.endswith("Connection"):
                size = _int_arg(sel, "first", variables) or _int_arg(sel, "last", variables) or 0
                if returned and name in returned:
                    size = returned[name]
                total += 2 + size * _connection_node_cost(sel, named, fragments, variables)
                continue
            child = _selection_cost(sel.selection_set, _object_of(named), fragments, variables)
            inner = field_def.type.of_type if isinstance(field_def.type, GraphQLNonNull) else None
            if isinstance(field_def.type, GraphQLList) or isinstance(inner, GraphQLList):
                total += _list_len(sel, "ids", variables) * (1 + child)
            else:
                total += 1 + child
        elif isinstance(sel, InlineFragmentNode):
            target = (
                SCHEMA.type_map.get(sel.type_condition.name.value) if sel.type_condition else parent
            )
            total += _selection_cost(sel.selection_set, target, fragments, variables)
        elif isinstance(sel, FragmentSpreadNode):
            frag = fragments.get(sel.name.value)
            if frag is not None:
                target = SCHEMA.type_map.get(frag.type_condition.name.value)
                total += _selection_cost(frag.selection_set, target, fragments, variables)
    return total


def _object_of(named: Any) -> Any:
    # An interface (Node) contributes through the inline fragments on its implementations.
    return named


def _connection_node_cost(sel: FieldNode, connection: Any, fragments: dict, variables: dict) -> int:
    node_type = get_named_type(connection.fields["nodes"].type)
    cost = 0
    for child in sel.selection_set.selections if sel.selection_set else ():
        if not isinstance(child, FieldNode):
            continue
        if child.name.value == "nodes":
            cost = max(
                cost, 1 + _selection_cost(child.selection_set, node_type, fragments, variables)
            )
        elif child.name.value == "edges" and child.selection_set:
            for edge_child in child.selection_set.selections:
                if isinstance(edge_child, FieldNode) and edge_child.name.value == "node":
                    inner = _selection_cost(
                        edge_child.selection_set, node_type, fragments, variables
                    )
                    cost = max(cost, 1 + inner)
    return cost
