//! The generator's own intermediate representation: what to emit, already named and checked.
//!
//! Lowering builds it once from the OpenAPI document and the analysis pass adds every derived
//! fact; emitting only reads it. Every name here is final (a Rust identifier, unique in its
//! scope), so the emitter never has to invent or repair one. Types refer to each other by
//! [`TypeId`], an index into [`Api::types`], never by name.

/// Everything one run generates.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Api {
    /// The spec's `info.version`, which Stripe uses as the API version (`Stripe-Version`).
    pub api_version: String,
    /// The selected operations, in path and method order.
    pub operations: Vec<Operation>,
    /// Every type the operations reach, in a deterministic order (first reached first);
    /// [`TypeId`] indexes it.
    pub types: Vec<TypeDef>,
    /// The webhook event types, when the spec has Stripe's `event` schema.
    pub events: Option<EventTypes>,
}

/// The types lowering builds for webhook events (see `lower/events.rs`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EventTypes {
    /// `Event`: the envelope, from the spec's `event` schema.
    pub envelope: TypeId,
    /// `EventType`: the enum of event names, the envelope's `type`.
    pub kind: TypeId,
    /// `EventObject`: the union of resources, the envelope's `data.object`.
    pub object: TypeId,
    /// `EventKind`'s variants: each event name whose object this run generates, with the
    /// object's type, in `EventType`'s order.
    pub by_name: Vec<NamedEvent>,
    /// The event names whose object the spec does not decide (see `lower/events.rs`), which
    /// `EventKind` leaves to its catch-all arm.
    pub undecided: Vec<String>,
}

/// An event name together with the object it carries: a variant of `EventKind`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NamedEvent {
    /// The event's name on the wire (`checkout.session.completed`).
    pub name: String,
    /// The variant's name, `EventType`'s for the same event (`CheckoutSessionCompleted`).
    pub rust_name: String,
    /// The object's type, a variant of `EventObject`.
    pub object: TypeId,
    /// That variant's name in `EventObject`.
    pub object_variant: String,
}

impl Api {
    /// The type an id names. Ids are only made by lowering, for this `Api`'s own types.
    pub fn type_def(&self, id: TypeId) -> &TypeDef {
        &self.types[id.0]
    }
}

/// A type of [`Api::types`], by position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeId(pub(crate) usize);

impl TypeId {
    /// The position in [`Api::types`].
    pub fn index(self) -> usize {
        self.0
    }
}

/// One HTTP operation and the client method that calls it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Operation {
    /// The spec's operationId (`PostTerminalConnectionTokens`), kept as a doc alias.
    pub operation_id: String,
    /// The client method's name (`post_terminal_connection_tokens`).
    pub method_name: String,
    /// The Rust module (resource family) the method's documentation and params live in: the
    /// resource the operation belongs to, whose Cargo feature enables it.
    pub module: String,
    /// The operation's resource-style method (`client.customers().retrieve(..)`).
    pub resource_method: ResourceMethod,
    /// What the operation's types are named after: its handle's resource and its method
    /// (`CustomerRetrieve`, for `CustomerRetrieveParams`).
    pub type_base: String,
    /// The verb the operation's description starts with (`cancel` for "Cancels a customer's
    /// subscription"), a doc alias of its methods when it is not their name.
    pub verb: Option<String>,
    pub http_method: HttpMethod,
    /// The operation's own server (`https://files.stripe.com`), when it is not the API's.
    pub server: Option<String>,
    /// The path template, parsed once (`/v1/customers/{customer}`).
    pub path: PathTemplate,
    /// Path parameters in template order; each becomes a `&str` argument, percent-escaped.
    pub path_params: Vec<PathParam>,
    /// The params type holding the body or query fields, if the operation takes any.
    pub params: Option<OperationParams>,
    /// What a 2xx response carries.
    pub response: ResponseBody,
    /// How to follow the pages of a list or search response, when the params allow it.
    pub pagination: Option<Pagination>,
    pub doc: Doc,
    /// Where the operation is in the spec, for messages about it.
    pub pointer: String,
    /// What the analysis pass derived.
    pub facts: OperationFacts,
}

/// Where an operation is among the resource handles: `client.terminal().readers()` is the
/// handle `["terminal", "readers"]`, and `process_payment_intent` its method there.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResourceMethod {
    pub handle: Vec<String>,
    pub method: String,
}

impl ResourceMethod {
    /// The call as a reader writes it, without arguments:
    /// `terminal().readers().process_payment_intent()`.
    pub fn call(&self) -> String {
        self.handle
            .iter()
            .chain(std::iter::once(&self.method))
            .map(|name| format!("{name}()"))
            .collect::<Vec<_>>()
            .join(".")
    }
}

/// Facts about an operation that follow from the whole IR, set by the analysis pass.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct OperationFacts {
    /// Whether the client gets `<method>_stream` (and `<method>_iter`): the operation is
    /// paginated and, for a list, its items have ids to continue after.
    pub streams: bool,
    /// Whether the resource-style method takes the path ids alone, its params being all
    /// optional (`client.invoices().pay(id)`), with `<method>_with(ids.., &params)` beside it.
    /// `create`, `update` and `search` always take their params.
    pub ids_alone: bool,
}

/// A path template split at its parameters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PathTemplate {
    /// The template as the spec writes it.
    pub template: String,
    pub segments: Vec<PathSegment>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PathSegment {
    /// Text sent as it is (`/v1/customers/`).
    Literal(String),
    /// The path parameter at this index of [`Operation::path_params`].
    Param(usize),
}

/// A paginated operation's cursor: the params field it sets for the next page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pagination {
    /// `starting_after`, from the last object's id (`has_more`).
    List,
    /// `page`, from the response's `next_page`.
    Search,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HttpMethod {
    Get,
    Post,
    Delete,
}

impl HttpMethod {
    /// The lower-case name the spec's path items use for the method.
    pub fn spec_name(self) -> &'static str {
        match self {
            HttpMethod::Get => "get",
            HttpMethod::Post => "post",
            HttpMethod::Delete => "delete",
        }
    }

    /// The upper-case method name as HTTP spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
            HttpMethod::Delete => "DELETE",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PathParam {
    /// The name inside the template's braces.
    pub wire_name: String,
    /// The method argument's name.
    pub rust_name: String,
    /// The schema's `maxLength`, checked before sending like every other one.
    pub max_length: Option<usize>,
    pub doc: Doc,
}

/// The params type of an operation and how its fields travel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OperationParams {
    /// A struct in [`Api::types`].
    pub type_id: TypeId,
    pub location: ParamsLocation,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ParamsLocation {
    /// Sent as an `application/x-www-form-urlencoded` body (POST).
    FormBody,
    /// Sent as the query string, in the same encoding (GET, DELETE).
    Query,
    /// Sent as `multipart/form-data` (file uploads): the same keys, with files as parts.
    Multipart,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ResponseBody {
    /// A JSON document decoded into this type.
    Json(TypeRef),
    /// Raw bytes of this media type (`application/pdf`).
    Binary { content_type: String },
}

/// A named type the generator defines.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TypeDef {
    /// The Rust name, unique across the crate.
    pub name: String,
    /// The Rust module it is emitted into.
    pub module: String,
    /// What in the spec the type stands for.
    pub origin: Origin,
    /// Where it comes from, for messages (`/components/schemas/terminal.connection_token`).
    pub pointer: String,
    pub doc: Doc,
    pub kind: TypeKind,
    /// The names the type had when types were named after operationIds
    /// (`PostPricesParamsRecurring` for `PriceCreateParamsRecurring`), kept as deprecated
    /// aliases, hidden from the docs, so that programs written against them still build.
    pub deprecated_names: Vec<String>,
    /// What the analysis pass derived.
    pub facts: TypeFacts,
}

impl TypeDef {
    /// Whether the type is sent or received. An alias is a request type: only same-shape
    /// params become aliases.
    pub fn direction(&self) -> Direction {
        match &self.kind {
            TypeKind::Struct(body) => body.direction,
            TypeKind::Enum(body) => body.direction,
            TypeKind::Union(body) => body.direction,
            TypeKind::Alias(_) => Direction::Request,
        }
    }
}

/// What in the spec a type stands for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Origin {
    /// A schema of `#/components/schemas`, by its name there.
    Component { name: String },
    /// A schema written inline, named after its place.
    Inline,
    /// The params of this operation (its query parameters or request body).
    OperationParams { operation_id: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TypeKind {
    Struct(StructDef),
    Enum(EnumDef),
    Union(UnionDef),
    /// Another name for a request type of the same shape (`pub type A = B;`): an operation's
    /// nested params that repeat another's (a payment intent's `payment_method_data` is the
    /// same for create, update and confirm) are compiled once. Uses name the alias of their own
    /// place; its target is never an alias.
    Alias(TypeId),
}

/// One of several shapes (`anyOf`/`oneOf`).
///
/// On the response side, when every variant is an object with a fixed `object` value, decoding
/// dispatches on it (and on `deleted`, which tells Stripe's deleted stubs apart), and an object
/// of a kind this SDK does not know is kept as JSON. Otherwise the first variant that fits wins.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UnionDef {
    pub direction: Direction,
    pub variants: Vec<UnionVariant>,
    /// Whether every variant has a distinct [`Discriminator`].
    pub discriminated: bool,
    /// Whether an object of a known kind that does not decode into its variant's type is kept
    /// whole as JSON with the reason (an `Undecoded` variant) rather than failing the value.
    /// Set for a webhook event's `data.object`, which Stripe renders in the API version of the
    /// endpoint, not of this SDK: a genuine delivery must never fail to decode.
    pub keeps_undecoded: bool,
    /// Whether each variant is typed only when a program's features turn its resource on, its
    /// object otherwise kept as JSON (`Unknown`). Set for a webhook event's `data.object`, so
    /// that a handler compiles the resources it uses rather than every resource the API has.
    /// Its variants are not uses of their types (see `features.rs`).
    pub variants_by_feature: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UnionVariant {
    pub rust_name: String,
    pub ty: TypeRef,
    pub discriminator: Option<Discriminator>,
    /// Set by the analysis pass: the value is boxed, so that one large variant does not make
    /// every value of the union large.
    pub boxed: bool,
    /// Set by the analysis pass: a request union has `From` this variant's value, which no
    /// other variant's type is (an alias counting as its target).
    pub has_from: bool,
}

/// What marks a variant in the JSON: its `object` value and whether it is a deleted stub.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Discriminator {
    pub object: String,
    pub deleted: bool,
}

/// Which way a type travels decides what the spec's constraints turn into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// We send it: constraints are validated before sending.
    Request,
    /// We receive it: be lenient, since Stripe adds fields and values without a version bump.
    Response,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StructDef {
    pub direction: Direction,
    /// `additionalProperties: false`: deserializing rejects unknown fields.
    pub deny_unknown_fields: bool,
    pub fields: Vec<Field>,
    /// The required fields (indices into `fields`) in the order the schema's `required` list
    /// (or the parameter list) names them.
    pub required: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Field {
    /// The property name on the wire.
    pub wire_name: String,
    /// The Rust field name (a keyword gets a trailing underscore).
    pub rust_name: String,
    pub ty: TypeRef,
    /// The property may be absent (it is not `required`).
    pub optional: bool,
    /// The property may be `null`.
    pub nullable: bool,
    /// A credential: `Debug` prints `[redacted]` instead of the value.
    pub secret: bool,
    pub doc: Doc,
    /// Where the property (or query parameter) is in the spec.
    pub pointer: String,
}

impl Field {
    /// Whether the Rust field is an `Option`: the property may be absent or `null`.
    pub fn is_option(&self) -> bool {
        self.optional || self.nullable
    }
}

/// A string enum. Request enums are closed; response enums keep unknown values.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EnumDef {
    pub direction: Direction,
    pub variants: Vec<EnumVariant>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EnumVariant {
    pub wire_value: String,
    pub rust_name: String,
}

/// A use of a type, with the constraints that apply at that use.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TypeRef {
    String {
        max_length: Option<usize>,
    },
    /// A 64-bit integer; `unix_time` marks seconds since the epoch.
    Integer {
        unix_time: bool,
    },
    Number,
    Boolean,
    /// A file to upload in a multipart body.
    File,
    /// Any JSON value, for schemas that say nothing about their shape.
    Json,
    Array(Box<TypeRef>),
    /// A JSON object with arbitrary keys (`additionalProperties: {schema}`).
    Map(Box<TypeRef>),
    /// A [`TypeDef`].
    Named(TypeId),
    /// A [`TypeDef`] behind a `Box`, because the type (indirectly) contains itself: set by the
    /// analysis pass on the uses inside a strongly connected component of the type graph.
    Boxed(TypeId),
    /// A page of a list (`object: list`, `data`, `has_more`, `url`).
    List(Box<TypeRef>),
    /// A page of search results (`object: search_result`, with `next_page`).
    SearchResult(Box<TypeRef>),
    /// An object's id, or the object itself when expanded (`x-expansionResources`).
    Expandable(Box<TypeRef>),
    /// A request value that may also be sent as `""` to clear the field.
    Unsettable(Box<TypeRef>),
    /// Stripe's range filter on the request side (`created`: an integer, or
    /// `{gt, gte, lt, lte}`), the runtime's one `RangeQuery` type.
    RangeQuery,
}

impl TypeRef {
    /// The named type this use refers to directly (not through a container).
    pub fn named(&self) -> Option<TypeId> {
        match self {
            TypeRef::Named(id) | TypeRef::Boxed(id) => Some(*id),
            TypeRef::String { .. }
            | TypeRef::Integer { .. }
            | TypeRef::Number
            | TypeRef::Boolean
            | TypeRef::File
            | TypeRef::Json
            | TypeRef::RangeQuery
            | TypeRef::Array(_)
            | TypeRef::Map(_)
            | TypeRef::List(_)
            | TypeRef::SearchResult(_)
            | TypeRef::Expandable(_)
            | TypeRef::Unsettable(_) => None,
        }
    }

    /// Calls `visit` with every named type this use decodes with it: those it mentions except
    /// inside an `Expandable`, whose object is decoded only when the program asks for it.
    pub fn for_each_decoded(&self, visit: &mut dyn FnMut(TypeId)) {
        self.visit_named(false, visit);
    }

    /// Calls `visit` with every named type this use mentions, through any containers.
    pub fn for_each_named(&self, visit: &mut dyn FnMut(TypeId)) {
        self.visit_named(true, visit);
    }

    /// Replaces every named type this use mentions, through any containers, by `map(id)`.
    pub fn map_named(&mut self, map: &dyn Fn(TypeId) -> TypeId) {
        match self {
            TypeRef::Named(id) | TypeRef::Boxed(id) => *id = map(*id),
            TypeRef::Array(inner)
            | TypeRef::Map(inner)
            | TypeRef::List(inner)
            | TypeRef::SearchResult(inner)
            | TypeRef::Expandable(inner)
            | TypeRef::Unsettable(inner) => inner.map_named(map),
            TypeRef::String { .. }
            | TypeRef::Integer { .. }
            | TypeRef::Number
            | TypeRef::Boolean
            | TypeRef::File
            | TypeRef::Json
            | TypeRef::RangeQuery => {}
        }
    }

    fn visit_named(&self, into_expandable: bool, visit: &mut dyn FnMut(TypeId)) {
        match self {
            TypeRef::Named(id) | TypeRef::Boxed(id) => visit(*id),
            TypeRef::Expandable(inner) => {
                if into_expandable {
                    inner.visit_named(into_expandable, visit);
                }
            }
            TypeRef::Array(inner)
            | TypeRef::Map(inner)
            | TypeRef::List(inner)
            | TypeRef::SearchResult(inner)
            | TypeRef::Unsettable(inner) => inner.visit_named(into_expandable, visit),
            TypeRef::String { .. }
            | TypeRef::Integer { .. }
            | TypeRef::Number
            | TypeRef::Boolean
            | TypeRef::File
            | TypeRef::Json
            | TypeRef::RangeQuery => {}
        }
    }
}

/// Facts about a type that follow from the whole IR, set once by the analysis pass so that
/// emitting never works them out again.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct TypeFacts {
    /// How `Debug` is implemented.
    pub debug: DebugImpl,
    /// Whether the type derives `Default` (request structs whose fields are all optional).
    pub default: bool,
    /// Whether and how the type is checked before sending.
    pub validation: Validation,
    /// How the type implements `HasId`, if it does.
    pub has_id: Option<HasId>,
    /// For multipart params: the fields that hold files and travel as parts of their own.
    pub file_fields: Vec<usize>,
    /// For request structs with required fields: the arguments of `new(...)`, which are the
    /// required fields (indices into the fields) in the order of the schema's `required`
    /// list; every other field starts as `None`.
    pub constructor: Option<Vec<usize>>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum DebugImpl {
    /// `#[derive(Debug)]`.
    #[default]
    Derived,
    /// Written by hand, printing `[redacted]` for the secret fields.
    Redacted,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Validation {
    /// Nothing to check: response types and enums.
    #[default]
    None,
    /// Implements `crate::validate::Validate`.
    Trait,
    /// Also has an inherent `validate()`, which callers use: the params of an operation.
    TraitAndInherent,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HasId {
    /// The struct field at this index is a string `id`; `optional` when it may be absent.
    Field { index: usize, optional: bool },
    /// A union all of whose variants have ids.
    Variants,
}

/// Documentation, already converted from the spec's HTML to Markdown.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Doc(pub Option<String>);
