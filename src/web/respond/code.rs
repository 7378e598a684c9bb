//! The pupil code entry (`/k`): a pupil types the code from their slip and starts the form.
//!
//! Wrong codes are not limited: a limit that counted them would let one pupil lock the whole
//! class (or every school) out, and respondents' addresses are never looked at. Guessing is kept
//! hopeless by the length of the codes instead (README, "Guessing codes").

mod view;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::to_introduction;
use crate::collect::{Access, codes};
use crate::store::{self, access::PupilCode, drafts::Holder};
use crate::web::api::open_wave;
use crate::web::extract::Form;
use crate::web::extract::PageCtx;
use crate::web::{AppError, AppState};

pub(super) async fn code_form(ctx: PageCtx) -> Response {
    view::code_entry(&ctx, "", None).into_response()
}

#[derive(Deserialize)]
pub(super) struct CodeForm {
    #[serde(default)]
    code: String,
}

pub(super) async fn enter_code(
    ctx: PageCtx,
    State(state): State<AppState>,
    Form(form): Form<CodeForm>,
) -> Result<Response, AppError> {
    let typed = form.code.trim().chars().take(40).collect::<String>();
    let normalized = codes::normalize(&typed);
    let refuse = |message: &str| {
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            view::code_entry(&ctx, &typed, Some(message)),
        )
            .into_response()
    };
    if normalized.is_empty() {
        return Ok(refuse(ctx.t(
            "Skriv in koden från din lapp",
            "Enter the code from your slip",
        )));
    }
    if normalized.len() != codes::PUPIL_CODE_LEN || !codes::looks_valid(&normalized) {
        return Ok(refuse(ctx.t(
            "Koden ska vara 12 tecken, till exempel ABCD-EFGH-JKLM",
            "The code must be 12 characters, for example ABCD-EFGH-JKLM",
        )));
    }
    let hash = codes::hash(&normalized);
    let wave_id = match store::access::pupil_code(&state.db, &hash).await? {
        PupilCode::Free { wave_id } => wave_id,
        PupilCode::Unknown => {
            return Ok(refuse(ctx.t(
                "Koden finns inte, har redan använts eller slutade gälla när lektionen avslutades. Kontrollera att du skrivit rätt, eller fråga din lärare.",
                "The code does not exist, has already been used, or stopped working when the lesson ended. Check that you typed it correctly, or ask your teacher.",
            )));
        }
        PupilCode::Started => return Ok(refuse(in_use_message(&ctx))),
        PupilCode::SessionEnded => {
            return Ok(refuse(ctx.t(
                "Lektionen för den här koden är avslutad. Be din lärare om hjälp.",
                "The lesson for this code has ended. Ask your teacher for help.",
            )));
        }
    };
    let Some(wave) = store::waves::find_by_id(&state.db, &wave_id)
        .await?
        .filter(|w| w.access == Access::Class)
    else {
        return Err(AppError::NotFound);
    };
    let (wave, survey) = open_wave(&state, &wave.slug).await?;
    // The code is marked started in the transaction that creates the draft: of two devices
    // entering one code at once, one gets the draft and the other is told the code is in use.
    let txn = crate::db::begin_write(&state.db).await?;
    if !store::access::start_pupil_code(&txn, &hash).await? {
        return Ok(refuse(in_use_message(&ctx)));
    }
    let holder = Holder::Pupil(&normalized);
    let (token, _) =
        store::drafts::create(&txn, &wave.id, wave.closes_at, holder, ctx.lang).await?;
    txn.commit().await?;
    // To the survey's introduction, with its promise of anonymity written for pupils; the
    // browser now holds the draft, so the page offers to begin.
    to_introduction(&state, &wave, &survey, &token)
}

/// A pupil code is never resumed: a slip is easily read by a classmate, who must not see the
/// answers given so far.
fn in_use_message(ctx: &PageCtx) -> &'static str {
    ctx.t(
        "Koden används redan på en annan enhet. Be din lärare om en ny kod.",
        "The code is already in use on another device. Ask your teacher for a new code.",
    )
}
