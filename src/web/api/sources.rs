//! The lägesbild's sources as JSON, for evaluators and admins: what was imported and which
//! measures exist (`GET /api/v1/sources`), their values (`GET /api/v1/sources/values`), and the
//! whole lägesbild as the page shows it (`GET /api/v1/sources/lagesbild`).

use axum::Json;
use axum::extract::{Query, State};
use serde::{Deserialize, Serialize};

use crate::evaluate::lagesbild::{Lagesbild, SourceRow};
use crate::web::extract::PageCtx;
use crate::web::{AppError, AppState, EVALUATORS, Routes};

pub fn routes() -> Routes {
    Routes::default()
        .get("/api/v1/sources", EVALUATORS, index)
        .get("/api/v1/sources/values", EVALUATORS, values)
        .get("/api/v1/sources/lagesbild", EVALUATORS, lagesbild)
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MeasureInfo {
    /// `kolada/N07540`, `felanmalan/klotter`, `scb/…`.
    pub id: String,
    /// `kolada`, `scb`, `felanmalan` or `series`.
    pub source: String,
    pub title: String,
    pub unit: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SourcesIndex {
    /// Every import, newest first, with its provenance.
    pub imports: Vec<SourceRow>,
    pub measures: Vec<MeasureInfo>,
}

/// The imports and the measures they brought.
#[utoipa::path(
    get,
    path = "/api/v1/sources",
    tag = "sources",
    operation_id = "sources",
    responses(
        (status = 200, description = "The imports and the measures", body = SourcesIndex),
        (status = 500, description = "The database could not be read", body = crate::web::error::ErrorBody),
    )
)]
pub async fn index(State(state): State<AppState>) -> Result<Json<SourcesIndex>, AppError> {
    let imports = crate::store::sources::imports(&state.db).await?;
    let measures = crate::store::sources::measures(&state.db).await?;
    Ok(Json(SourcesIndex {
        imports: imports
            .iter()
            .map(crate::evaluate::lagesbild::source_row)
            .collect(),
        measures: measures
            .into_iter()
            .map(|m| MeasureInfo {
                id: m.id,
                source: m.source,
                title: m.title,
                unit: m.unit,
            })
            .collect(),
    }))
}

#[derive(Debug, Default, Deserialize)]
pub struct ValuesQuery {
    measure: Option<String>,
    area: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SourceValue {
    pub measure: String,
    /// The municipality's code, the country `0000`, or a district.
    pub area: String,
    /// A year (`2024`) or a month (`2024-07`).
    pub period: String,
    pub value: f64,
    /// The import that stored it (`imports[].id` of `GET /api/v1/sources`).
    pub import: String,
}

/// The values of the measures whose id starts with `measure`, optionally of one area.
#[utoipa::path(
    get,
    path = "/api/v1/sources/values",
    tag = "sources",
    operation_id = "source_values",
    params(
        ("measure" = Option<String>, Query, description = "a measure's id or the start of it (`kolada/`, `felanmalan/klotter`); every measure when left out"),
        ("area" = Option<String>, Query, description = "only this area: the municipality's code, `0000` for the country, or a district"),
    ),
    responses(
        (status = 200, description = "The values, by measure, area and period", body = Vec<SourceValue>),
        (status = 500, description = "The database could not be read", body = crate::web::error::ErrorBody),
    )
)]
pub async fn values(
    State(state): State<AppState>,
    Query(query): Query<ValuesQuery>,
) -> Result<Json<Vec<SourceValue>>, AppError> {
    let prefix = query.measure.unwrap_or_default();
    let area = query.area.filter(|a| !a.is_empty());
    let rows = crate::store::sources::values(&state.db, &prefix).await?;
    Ok(Json(
        rows.into_iter()
            .filter(|v| area.as_ref().is_none_or(|a| *a == v.area))
            .map(|v| SourceValue {
                measure: v.measure,
                area: v.area,
                period: v.period,
                value: v.value,
                import: v.import_id,
            })
            .collect(),
    ))
}

/// The lägesbild as `/evaluate/lagesbild` shows it: per priority area the survey indicators and
/// the series the agreement names, the fault reports, per district, the dialogues, the problem
/// picture with its chain to the plan, and the sources. Source lines follow `lang`.
#[utoipa::path(
    get,
    path = "/api/v1/sources/lagesbild",
    tag = "sources",
    operation_id = "lagesbild",
    params(("lang" = Option<String>, Query, description = "sv (default) or en: the language of the source lines")),
    responses(
        (status = 200, description = "The lägesbild", body = Lagesbild),
        (status = 500, description = "The figures could not be read", body = crate::web::error::ErrorBody),
    )
)]
#[tracing::instrument(skip_all)]
pub async fn lagesbild(
    ctx: PageCtx,
    State(state): State<AppState>,
) -> Result<Json<Lagesbild>, AppError> {
    Ok(Json(
        crate::web::evaluate::load_lagesbild(&state, ctx.lang).await?,
    ))
}
