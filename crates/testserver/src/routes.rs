//! The endpoints, with upstream's status codes and bodies.

use influxdb3_permission::{Action, DatabaseName, Permission, Resource, SystemResource};
use influxdb3_token::Timestamp;
use influxdb3_token::Token;
use serde::Deserialize;

use crate::http::{RecordedRequest, Response};
use crate::mode::Mode;
use crate::state::{Caller, CreateError, State};

/// The Enterprise permission-token endpoint.
pub const PERMISSION_TOKEN_PATH: &str = "/api/v3/enterprise/configure/token";
const ADMIN_PATH: &str = "/api/v3/configure/token/admin";
const REGENERATE_PATH: &str = "/api/v3/configure/token/admin/regenerate";
const NAMED_ADMIN_PATH: &str = "/api/v3/configure/token/named_admin";
const TOKEN_PATH: &str = "/api/v3/configure/token";
const ADMIN_NAME: &str = "_admin";
const NOT_AUTHENTICATED: &str = "the request was not authenticated";
const WITHOUT_AUTH: &str = "endpoint disabled, started without auth";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateRequest {
    token_name: String,
    /// Checked one by one below, as the server's own parsing answers 500 for them.
    permissions: Vec<Box<serde_json::value::RawValue>>,
    expiry_secs: Option<u64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NamedAdminRequest {
    token_name: String,
    expiry_secs: Option<u64>,
}

#[derive(Deserialize)]
struct CreateDatabaseRequest {
    db: String,
}

/// Whether `req` creates or deletes a token (for failures injected in tests).
pub(crate) fn changes_tokens(req: &RecordedRequest) -> bool {
    matches!(
        (req.method.as_str(), req.path.as_str()),
        ("POST", PERMISSION_TOKEN_PATH | NAMED_ADMIN_PATH) | ("DELETE", TOKEN_PATH)
    )
}

/// Answers one request.
pub(crate) fn route(mode: Mode, state: &mut State, req: &RecordedRequest) -> Response {
    let result = match (req.method.as_str(), req.path.as_str()) {
        ("POST", PERMISSION_TOKEN_PATH) if mode == Mode::Core => {
            Ok(Response::text(404, "not found"))
        }
        ("POST", PERMISSION_TOKEN_PATH) => create_permission_token(mode, state, req),
        ("POST", ADMIN_PATH) => create_admin(mode, state),
        ("POST", REGENERATE_PATH) => regenerate_admin(mode, state, req),
        ("POST", NAMED_ADMIN_PATH) => create_named_admin(mode, state, req),
        ("DELETE", TOKEN_PATH) => delete_token(mode, state, req),
        ("GET", "/health") => guarded(
            mode,
            state,
            req,
            Resource::System(SystemResource::Health),
            Action::Read,
        )
        .map(|()| Response::text(200, "OK")),
        ("GET", "/ping") => guarded(
            mode,
            state,
            req,
            Resource::System(SystemResource::Ping),
            Action::Read,
        )
        .map(|()| {
            // As InfluxDB 3 names its edition and version.
            Response::new(
                200,
                Some("application/json"),
                r#"{"version":"3.4.0","revision":"influxdb3-testserver"}"#,
            )
            .header(
                "x-influxdb-build",
                if mode == Mode::Core {
                    "Core"
                } else {
                    "Enterprise"
                },
            )
            .header("x-influxdb-version", "3.4.0")
        }),
        ("GET", "/ready") => guarded(
            mode,
            state,
            req,
            Resource::System(SystemResource::Ready),
            Action::Read,
        )
        .map(|()| Response::text(200, "OK")),
        ("POST", "/api/v3/query_sql") => query(mode, state, req),
        ("GET", "/metrics") => guarded(
            mode,
            state,
            req,
            Resource::System(SystemResource::Metrics),
            Action::Read,
        )
        .map(|()| Response::text(200, "# influxdb3-testserver\n")),
        ("POST", "/api/v3/write_lp") => {
            database_call(mode, state, req, Action::Write).map(|()| Response::empty(204))
        }
        ("GET", "/api/v3/query_sql") => database_call(mode, state, req, Action::Read)
            .map(|()| Response::new(200, Some("application/json"), "[]")),
        ("POST", "/api/v3/configure/database") => create_database(mode, state, req),
        _ => Ok(Response::text(404, "not found")),
    };
    result.unwrap_or_else(|response| response)
}

/// The caller's token from `Authorization: Bearer T` (or `Token T`).
fn bearer(req: &RecordedRequest) -> Result<&str, Response> {
    let Some(value) = req.header("authorization") else {
        return Err(Response::error_json(401, NOT_AUTHENTICATED));
    };
    match value.split_once(' ') {
        Some((scheme, token))
            if (scheme.eq_ignore_ascii_case("bearer") || scheme.eq_ignore_ascii_case("token"))
                && !token.trim().is_empty() =>
        {
            Ok(token.trim())
        }
        _ => Err(Response::error_json(
            400,
            "malformed Authorization header: expected `Bearer TOKEN`",
        )),
    }
}

fn caller<'s>(state: &'s State, req: &RecordedRequest) -> Result<Caller<'s>, Response> {
    let token = bearer(req)?;
    // An unknown or expired token: 401 with an empty body, as a real server answers.
    state.caller(token).ok_or_else(|| Response::empty(401))
}

fn require_admin(mode: Mode, state: &State, req: &RecordedRequest) -> Result<(), Response> {
    if mode == Mode::WithoutAuth {
        return Err(Response::text(405, WITHOUT_AUTH));
    }
    match caller(state, req)? {
        Caller::Admin => Ok(()),
        Caller::Token(_) => Err(Response::error_json(403, "the token is not an admin token")),
    }
}

fn guarded(
    mode: Mode,
    state: &State,
    req: &RecordedRequest,
    resource: Resource<'_>,
    action: Action,
) -> Result<(), Response> {
    if mode == Mode::WithoutAuth {
        return Ok(());
    }
    let caller = caller(state, req)?;
    if State::allows(&caller, resource, action) {
        Ok(())
    } else {
        Err(Response::error_json(
            403,
            "the token does not grant this request",
        ))
    }
}

fn database_call(
    mode: Mode,
    state: &State,
    req: &RecordedRequest,
    action: Action,
) -> Result<(), Response> {
    let db = req
        .query_param("db")
        .ok_or_else(|| Response::error_json(400, "missing `db` in the query"))?;
    guarded(mode, state, req, Resource::Database(&db), action)?;
    if state.databases.contains(&db) {
        Ok(())
    } else {
        Err(Response::error_json(
            404,
            &format!("database not found: {db}"),
        ))
    }
}

#[derive(Deserialize)]
struct QueryRequest {
    db: String,
    q: String,
    format: Option<String>,
}

/// `POST /api/v3/query_sql`: `select * from system.tokens` on `_internal` (what
/// upstream's `show tokens` sends), for an admin token; on another database, an empty
/// answer to a token that may read it; anything else is not known here.
fn query(mode: Mode, state: &State, req: &RecordedRequest) -> Result<Response, Response> {
    require_json(req)?;
    let body: QueryRequest = parse_body(req)?;
    if body.db != "_internal" {
        guarded(mode, state, req, Resource::Database(&body.db), Action::Read)?;
        if !state.databases.contains(&body.db) {
            return Err(Response::error_json(
                404,
                &format!("database not found: {}", body.db),
            ));
        }
        return Ok(Response::new(200, Some("application/json"), "[]"));
    }
    let normalized = body.q.split_whitespace().collect::<Vec<_>>().join(" ");
    if !normalized.eq_ignore_ascii_case(crate::system_tokens::QUERY) {
        return Err(Response::error_json(
            400,
            "the test server only answers `select * from system.tokens` on `_internal`",
        ));
    }
    if mode != Mode::WithoutAuth {
        match caller(state, req)? {
            Caller::Admin => {}
            Caller::Token(_) => {
                return Err(Response::error_json(
                    403,
                    "the token does not grant this request",
                ));
            }
        }
    }
    let format = body.format.as_deref().unwrap_or("json");
    let content_type = match format {
        "csv" => "text/csv",
        "pretty" => "text/plain; charset=utf-8",
        "jsonl" | "json_lines" => "application/jsonl",
        _ => "application/json",
    };
    crate::system_tokens::body(mode, state, format)
        .map(|text| Response::new(200, Some(content_type), text))
        .ok_or_else(|| Response::error_json(400, &format!("unknown format `{format}`")))
}

fn require_json(req: &RecordedRequest) -> Result<(), Response> {
    let json = req
        .header("content-type")
        .and_then(|ct| ct.split(';').next())
        .is_some_and(|ct| ct.trim().eq_ignore_ascii_case("application/json"));
    if json {
        Ok(())
    } else {
        Err(Response::text(
            415,
            "unacceptable content-type, expected: application/json",
        ))
    }
}

fn parse_body<'a, T: Deserialize<'a>>(req: &'a RecordedRequest) -> Result<T, Response> {
    serde_json::from_slice(&req.body)
        .map_err(|e| Response::text(400, &format!("serde json error: {e}")))
}

/// 201 with upstream's `content-type: json`.
fn created(body: &serde_json::Value) -> Response {
    Response::new(201, Some("json"), body.to_string())
}

fn create_error(e: CreateError) -> Response {
    match e {
        CreateError::NameTaken(name) => {
            Response::new(409, None, format!("token name already exists, {name}"))
        }
        CreateError::UnknownDatabase(db) => Response::text(
            500,
            &format!("cannot parse token permission, invalid resource name {db}"),
        ),
    }
}

fn expiry(secs: Option<u64>) -> Result<Option<Timestamp>, Response> {
    State::expiry_from_secs(secs).map_err(|()| Response::text(500, "expiry is too large"))
}

/// Makes a token, stores its hash and answers `201` with it.
fn mint(
    state: &mut State,
    name: &str,
    admin: bool,
    permissions: &[Permission],
    expiry: Option<Timestamp>,
) -> Result<Response, Response> {
    let token = new_token()?;
    store(state, &token, name, admin, permissions, expiry)
}

fn new_token() -> Result<Token, Response> {
    Token::generate().map_err(|e| Response::text(500, &e.to_string()))
}

/// Stores the hash of `token` and answers `201` with it.
fn store(
    state: &mut State,
    token: &Token,
    name: &str,
    admin: bool,
    permissions: &[Permission],
    expiry: Option<Timestamp>,
) -> Result<Response, Response> {
    state
        .insert(token, name, admin, permissions, expiry)
        .map(|b| created(&b))
        .map_err(create_error)
}

fn create_permission_token(
    mode: Mode,
    state: &mut State,
    req: &RecordedRequest,
) -> Result<Response, Response> {
    require_admin(mode, state, req)?;
    require_json(req)?;
    let body: CreateRequest = parse_body(req)?;
    let mut permissions = Vec::with_capacity(body.permissions.len());
    for wire in &body.permissions {
        let mut json = serde_json::Deserializer::from_str(wire.get());
        let p = Permission::deserialize_wire(&mut json)
            .map_err(|e| Response::text(500, &format!("cannot parse token permission, {e}")))?;
        if p == Permission::Admin {
            return Err(Response::text(
                500,
                "cannot parse token permission, * resource type can only be set for admin token",
            ));
        }
        permissions.push(p);
    }
    let expiry = expiry(body.expiry_secs)?;
    mint(state, &body.token_name, false, &permissions, expiry)
}

fn create_admin(mode: Mode, state: &mut State) -> Result<Response, Response> {
    if mode == Mode::WithoutAuth {
        return Err(Response::text(405, WITHOUT_AUTH));
    }
    mint(state, ADMIN_NAME, true, &[Permission::Admin], None)
}

fn regenerate_admin(
    mode: Mode,
    state: &mut State,
    req: &RecordedRequest,
) -> Result<Response, Response> {
    require_admin(mode, state, req)?;
    if !state.has_name(ADMIN_NAME) {
        return Err(Response::text(404, "the requested resource was not found"));
    }
    // The new token first, so that a failing random source leaves the old one.
    let token = new_token()?;
    state
        .regenerate(ADMIN_NAME, &token)
        .map(|body| created(&body))
        .ok_or_else(|| Response::text(404, "the requested resource was not found"))
}

fn create_named_admin(
    mode: Mode,
    state: &mut State,
    req: &RecordedRequest,
) -> Result<Response, Response> {
    require_admin(mode, state, req)?;
    require_json(req)?;
    let body: NamedAdminRequest = parse_body(req)?;
    let expiry = expiry(body.expiry_secs)?;
    mint(state, &body.token_name, true, &[Permission::Admin], expiry)
}

fn delete_token(
    mode: Mode,
    state: &mut State,
    req: &RecordedRequest,
) -> Result<Response, Response> {
    require_admin(mode, state, req)?;
    let name = req
        .query_param("token_name")
        .ok_or_else(|| Response::error_json(400, "missing `token_name` in the query"))?;
    if name == ADMIN_NAME {
        return Err(Response::error_json(
            405,
            "the _admin token cannot be deleted; regenerate it instead",
        ));
    }
    if state.remove(&name) {
        Ok(Response::empty(200))
    } else {
        Err(Response::text(404, "the requested resource was not found"))
    }
}

fn create_database(
    mode: Mode,
    state: &mut State,
    req: &RecordedRequest,
) -> Result<Response, Response> {
    require_json(req)?;
    let body: CreateDatabaseRequest = parse_body(req)?;
    DatabaseName::new(&body.db)
        .map_err(|e| Response::error_json(400, &format!("invalid database name: {}", e.kind())))?;
    guarded(
        mode,
        state,
        req,
        Resource::Database(&body.db),
        Action::Create,
    )?;
    if !state.databases.insert(body.db) {
        return Err(Response::error_json(409, "database already exists"));
    }
    Ok(Response::empty(200))
}
