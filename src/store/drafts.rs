//! Form drafts: answers kept between the pages of a form, under a random id that only the
//! respondent's browser holds (the table keeps its hash). Deleted on submit, or when they expire.

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter,
};
use serde_json::{Map, Value};

use crate::entities::draft;
use crate::i18n::Lang;

/// How long an untouched draft lives.
pub const DRAFT_HOURS: i64 = 24;

/// A draft as the form uses it.
#[derive(Debug, Clone)]
pub struct Draft {
    /// The stored id (hash of the browser's token).
    pub id: String,
    pub wave_id: String,
    pub access_hash: Option<String>,
    pub submission_id: String,
    pub language: Lang,
    pub answers: Map<String, Value>,
}

impl Draft {
    fn from_model(m: draft::Model) -> Draft {
        let answers = match serde_json::from_str(&m.answers) {
            Ok(Value::Object(map)) => map,
            _ => Map::new(),
        };
        Draft {
            language: Lang::parse(&m.language).unwrap_or_default(),
            id: m.id,
            wave_id: m.wave_id,
            access_hash: m.access_hash,
            submission_id: m.submission_id,
            answers,
        }
    }
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
    access_hash: Option<String>,
    language: Lang,
) -> Result<(String, Draft), DbErr> {
    let token = crate::util::random_token();
    let model = draft::ActiveModel {
        id: Set(crate::util::sha256_hex(&token)),
        wave_id: Set(wave_id.to_owned()),
        access_hash: Set(access_hash),
        submission_id: Set(submission_id_for(&token)),
        language: Set(language.code().to_owned()),
        answers: Set("{}".to_owned()),
        expires_at: Set(expiry(closes_at)),
    }
    .insert(db)
    .await?;
    Ok((token, Draft::from_model(model)))
}

/// The live draft of this browser token in this wave.
pub async fn find(
    db: &impl ConnectionTrait,
    wave_id: &str,
    token: &str,
) -> Result<Option<Draft>, DbErr> {
    Ok(draft::Entity::find_by_id(crate::util::sha256_hex(token))
        .filter(draft::Column::WaveId.eq(wave_id))
        .filter(draft::Column::ExpiresAt.gt(crate::util::now()))
        .one(db)
        .await?
        .map(Draft::from_model))
}

/// The live draft started with this access code, so a person who comes back with the same
/// personal link (on another device, too) finds their answers.
pub async fn find_by_access(
    db: &impl ConnectionTrait,
    wave_id: &str,
    access_hash: &str,
) -> Result<Option<Draft>, DbErr> {
    Ok(draft::Entity::find()
        .filter(draft::Column::WaveId.eq(wave_id))
        .filter(draft::Column::AccessHash.eq(access_hash))
        .filter(draft::Column::ExpiresAt.gt(crate::util::now()))
        .one(db)
        .await?
        .map(Draft::from_model))
}

/// Gives a draft a new browser token (the old one stops working) and returns it: a person who
/// comes back with their personal code on another device continues where they left off.
pub async fn rekey(db: &impl ConnectionTrait, id: &str) -> Result<String, DbErr> {
    let token = crate::util::random_token();
    draft::Entity::update_many()
        .col_expr(
            draft::Column::Id,
            Expr::value(crate::util::sha256_hex(&token)),
        )
        .filter(draft::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(token)
}

/// Replaces a draft's answers and language and extends its life.
pub async fn save(
    db: &impl ConnectionTrait,
    draft: &Draft,
    closes_at: Option<i64>,
) -> Result<(), DbErr> {
    draft::Entity::update_many()
        .col_expr(
            draft::Column::Answers,
            Expr::value(Value::Object(draft.answers.clone()).to_string()),
        )
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
