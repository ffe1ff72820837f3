//! `GET /openapi.json`: the OpenAPI document, generated from the handlers'
//! annotations (utoipa), so it cannot drift from the code.

use crate::api;
use crate::problem::{Problem, RejectedLine};
use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(title = "credit-ledger", description = "The credit-risk ledger of production-licence holders as a service (README \"The server\")."),
    paths(
        api::import::import, api::head, api::events::events,
        api::read::grade, api::read::grade_all, api::read::dossier, api::read::diff, api::read::what_if, api::read::review,
        api::read::replay, api::read::verify, api::read::export, api::read::audit,
        api::rules::list, api::rules::show, api::rules::diff, api::rules::check, api::rules::adopt, api::rules::issue,
    ),
    components(schemas(Problem, RejectedLine, api::import::ImportAnswer, api::HeadAnswer)),
    modifiers(&Bearer)
)]
pub struct ApiDoc;

struct Bearer;

impl Modify for Bearer {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme("bearer", SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()));
    }
}

pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
