//! Which questionnaire versions trygg has seen, so that a file edited in place cannot silently
//! change the meaning of responses already collected.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel,
    QueryFilter, Set,
};

use crate::entities::survey_version;
use crate::survey::SurveyCatalog;

/// Records every loaded survey version. A version seen before with another content hash is
/// accepted (and the hash updated) until it is locked by its first response; after that it is a
/// problem, returned as `FILE: message` lines, and nothing is written.
pub async fn sync(
    db: &impl ConnectionTrait,
    catalog: &SurveyCatalog,
) -> Result<Vec<String>, DbErr> {
    let mut problems = Vec::new();
    let mut changes = Vec::new();
    for loaded in catalog.iter() {
        let survey = &loaded.survey;
        let version = i64::from(survey.version);
        let existing = survey_version::Entity::find()
            .filter(survey_version::Column::SurveyId.eq(survey.id.as_str()))
            .filter(survey_version::Column::Version.eq(version))
            .one(db)
            .await?;
        match existing {
            None => changes.push(survey_version::ActiveModel {
                survey_id: Set(survey.id.clone()),
                version: Set(version),
                content_hash: Set(loaded.content_hash.clone()),
                locked: Set(false),
                first_seen: Set(crate::util::now()),
                ..Default::default()
            }),
            Some(row) if row.content_hash == loaded.content_hash => {}
            Some(row) if row.locked => problems.push(format!(
                "{}: survey `{}` version {} has changed since responses were collected with it; \
                 restore the file or raise `version` to publish the change as a new version",
                loaded.path.display(),
                survey.id,
                survey.version
            )),
            Some(row) => {
                tracing::info!(survey = %survey.id, version = survey.version, "questionnaire changed before any response; new content accepted");
                let mut active = row.into_active_model();
                active.content_hash = Set(loaded.content_hash.clone());
                changes.push(active);
            }
        }
    }
    if problems.is_empty() {
        for change in changes {
            change.save(db).await?;
        }
    }
    Ok(problems)
}

/// Locks a survey version: its file may no longer change under the same version number.
/// Called when the first response of a wave of that version is stored.
pub async fn lock(db: &impl ConnectionTrait, survey_id: &str, version: u32) -> Result<(), DbErr> {
    lock_query(survey_id, version).exec(db).await?;
    Ok(())
}

/// The statement of [`lock`], for the submission writer's connection.
pub fn lock_query(survey_id: &str, version: u32) -> sea_orm::UpdateMany<survey_version::Entity> {
    survey_version::Entity::update_many()
        .col_expr(survey_version::Column::Locked, true.into())
        .filter(survey_version::Column::SurveyId.eq(survey_id))
        .filter(survey_version::Column::Version.eq(i64::from(version)))
}
