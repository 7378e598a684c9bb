//! Form drafts: answers kept between the pages of a form, under a random token that only the
//! respondent's browser holds (the table keeps its hash). Deleted on submit, or when they expire.
//!
//! A copy of the database files shows no draft's answers: they are sealed (`collect::seal`)
//! under the draft's own key, and that key is stored only sealed under keys derived from the
//! browser's token and, for a personal link, from the link's token. Neither secret is stored;
//! their stored hashes are in other domains. Nor does a draft point at an invitation: it finds
//! its personal link by a hash that no token row holds, and keeps the token row's hash (needed to
//! use the link up on submit) inside the sealed part.

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::collect::codes;
use crate::collect::seal::Key;
use crate::entities::draft;
use crate::i18n::Lang;

/// How long an untouched draft lives.
pub const DRAFT_HOURS: i64 = 24;

/// Purposes of the keys derived from a respondent's secrets.
const BY_TOKEN: &str = "draft-token";
const BY_ACCESS: &str = "draft-access";

/// Who starts a draft, which decides what can open it again.
#[derive(Debug, Clone, Copy)]
pub enum Holder<'a> {
    /// Anyone with the open link: only the browser's token opens the draft.
    Anyone,
    /// The holder of a personal link (its token, normalised): the link opens the draft too, on
    /// any device.
    Invitation(&'a str),
    /// The holder of a pupil code (normalised): only the browser's token opens the draft. Codes
    /// are never resumed, and 60 bits are too few to derive a key from.
    Pupil(&'a str),
}

/// A draft as the form uses it.
#[derive(Debug, Clone)]
pub struct Draft {
    /// The stored id (hash of the browser's token).
    pub id: String,
    pub wave_id: String,
    /// Hash of the access code to consume on submit (as `codes::hash`); none for an open link.
    pub proof: Option<String>,
    pub submission_id: String,
    pub language: Lang,
    pub answers: Map<String, Value>,
    /// Unix seconds when the draft is deleted unless saved again.
    pub expires_at: i64,
    key: Key,
}

/// What is sealed.
#[derive(Serialize, Deserialize)]
struct Contents {
    answers: Map<String, Value>,
    #[serde(default)]
    proof: Option<String>,
}

impl Draft {
    fn open(m: draft::Model, key: Key) -> Option<Draft> {
        let plain = key.open(&m.answers, &m.wave_id)?;
        let contents: Contents = serde_json::from_slice(&plain).ok()?;
        Some(Draft {
            language: Lang::parse(&m.language).unwrap_or_default(),
            id: m.id,
            wave_id: m.wave_id,
            proof: contents.proof,
            submission_id: m.submission_id,
            answers: contents.answers,
            expires_at: m.expires_at,
            key,
        })
    }

    fn sealed_contents(&self) -> String {
        let contents = Contents {
            answers: self.answers.clone(),
            proof: self.proof.clone(),
        };
        // Serialising a map of JSON values cannot fail.
        let plain = serde_json::to_vec(&contents).unwrap_or_default();
        self.key.seal(&plain, &self.wave_id)
    }
}

/// The hash a draft started with a personal link is found by: of the link's token, like the
/// token's own stored hash, but in another domain, so that no row joins the two.
fn resume_hash(token: &str) -> String {
    crate::util::sha256_hex(format!("trygg-draft-resume:{}", codes::normalize(token)))
}

/// The submission id of the draft started with this browser token. Derived from the token so
/// that a second click on "submit", arriving after the first deleted the draft, can still be
/// recognised as already submitted.
pub fn submission_id_for(token: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("trygg-submission:{token}"));
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .to_string()
}

/// Whether the draft of this browser token was submitted (its submission id is stored).
pub async fn was_submitted(
    db: &impl ConnectionTrait,
    wave_id: &str,
    token: &str,
) -> Result<bool, DbErr> {
    Ok(crate::entities::submission::Entity::find_by_id((
        wave_id.to_owned(),
        submission_id_for(token),
    ))
    .one(db)
    .await?
    .is_some())
}

fn expiry(closes_at: Option<i64>) -> i64 {
    let later = crate::util::now() + DRAFT_HOURS * 3600;
    closes_at.map_or(later, |c| later.min(c))
}

/// Starts a draft; returns the token for the browser and the draft.
pub async fn create(
    db: &impl ConnectionTrait,
    wave_id: &str,
    closes_at: Option<i64>,
    holder: Holder<'_>,
    language: Lang,
) -> Result<(String, Draft), DbErr> {
    let token = crate::util::random_token();
    let key = Key::random();
    let (proof, resume, key_by_access) = match holder {
        Holder::Anyone => (None, None, None),
        Holder::Invitation(link) => (
            Some(codes::hash(link)),
            Some(resume_hash(link)),
            Some(key.seal_under(&Key::derive(BY_ACCESS, &codes::normalize(link)), wave_id)),
        ),
        Holder::Pupil(code) => (Some(codes::hash(code)), None, None),
    };
    let draft = Draft {
        id: crate::util::sha256_hex(&token),
        wave_id: wave_id.to_owned(),
        proof,
        submission_id: submission_id_for(&token),
        language,
        answers: Map::new(),
        expires_at: expiry(closes_at),
        key,
    };
    draft::ActiveModel {
        id: Set(draft.id.clone()),
        wave_id: Set(draft.wave_id.clone()),
        access_hash: Set(resume),
        submission_id: Set(draft.submission_id.clone()),
        language: Set(language.code().to_owned()),
        answers: Set(draft.sealed_contents()),
        key_by_token: Set(draft
            .key
            .seal_under(&Key::derive(BY_TOKEN, &token), wave_id)),
        key_by_access: Set(key_by_access),
        expires_at: Set(draft.expires_at),
    }
    .insert(db)
    .await?;
    Ok((token, draft))
}

/// The live draft of this browser token in this wave (none when it cannot be opened).
pub async fn find(
    db: &impl ConnectionTrait,
    wave_id: &str,
    token: &str,
) -> Result<Option<Draft>, DbErr> {
    let Some(model) = draft::Entity::find_by_id(crate::util::sha256_hex(token))
        .filter(draft::Column::WaveId.eq(wave_id))
        .filter(draft::Column::ExpiresAt.gt(crate::util::now()))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let key = Key::open_from(
        &model.key_by_token,
        &Key::derive(BY_TOKEN, token),
        &model.wave_id,
    );
    Ok(key.and_then(|key| Draft::open(model, key)))
}

/// The live draft started with this personal link moves to a new browser token, which is
/// returned (the old one stops working): a person who comes back with their link, on another
/// device too, continues where they left off. `None` when the link started no draft.
pub async fn resume(
    db: &impl ConnectionTrait,
    wave_id: &str,
    link_token: &str,
) -> Result<Option<String>, DbErr> {
    let Some(model) = draft::Entity::find()
        .filter(draft::Column::WaveId.eq(wave_id))
        .filter(draft::Column::AccessHash.eq(resume_hash(link_token)))
        .filter(draft::Column::ExpiresAt.gt(crate::util::now()))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let by_access = Key::derive(BY_ACCESS, &codes::normalize(link_token));
    let Some(key) = (model.key_by_access.as_deref())
        .and_then(|sealed| Key::open_from(sealed, &by_access, wave_id))
    else {
        return Ok(None);
    };
    let token = crate::util::random_token();
    draft::Entity::update_many()
        .col_expr(
            draft::Column::Id,
            Expr::value(crate::util::sha256_hex(&token)),
        )
        .col_expr(
            draft::Column::KeyByToken,
            Expr::value(key.seal_under(&Key::derive(BY_TOKEN, &token), wave_id)),
        )
        .col_expr(
            draft::Column::SubmissionId,
            Expr::value(submission_id_for(&token)),
        )
        .filter(draft::Column::Id.eq(model.id))
        .exec(db)
        .await?;
    Ok(Some(token))
}

/// Replaces a draft's answers and language and extends its life.
pub async fn save(
    db: &impl ConnectionTrait,
    draft: &Draft,
    closes_at: Option<i64>,
) -> Result<(), DbErr> {
    draft::Entity::update_many()
        .col_expr(draft::Column::Answers, Expr::value(draft.sealed_contents()))
        .col_expr(draft::Column::Language, Expr::value(draft.language.code()))
        .col_expr(draft::Column::ExpiresAt, Expr::value(expiry(closes_at)))
        .filter(draft::Column::Id.eq(draft.id.as_str()))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn purge_expired(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    Ok(draft::Entity::delete_many()
        .filter(draft::Column::ExpiresAt.lte(crate::util::now()))
        .exec(db)
        .await?
        .rows_affected)
}
