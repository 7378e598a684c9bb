//! Turning a submission body (the JSON of the HTTP contract, a line of `trygg import`, or a
//! finished form draft) into a [`Submission`] the writer can store, or into the reasons it
//! cannot be. This is the only place a `Submission` is made.

use serde::Deserialize;
use serde_json::{Map, Value};

use super::codes;
use super::submit::{AccessProof, Checked, Submission};
use super::wave::{Access, Wave};
use crate::i18n::Lang;
use crate::problems::Problems;
use crate::survey::{AnswerProblem, Survey, validate};

/// The body of `POST /api/v1/waves/{slug}/responses`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ApiBody {
    /// Chosen by the client, once per respondent: sending the same body again is answered 200
    /// and stored once.
    #[schema(format = "uuid")]
    pub submission_id: String,
    /// `sv` (the default) or `en`: the language the questions were shown in.
    #[serde(default)]
    #[schema(value_type = Option<String>, pattern = "^(sv|en)$")]
    pub language: Option<String>,
    /// The answers by question id.
    #[schema(value_type = std::collections::BTreeMap<String, AnswerValue>)]
    pub answers: Map<String, Value>,
    /// The personal code of an `invite` or `class` wave; left out for `open` waves.
    #[serde(default)]
    pub access_code: Option<String>,
}

/// One answer, for the API description: a choice code for a single-choice question, a list of
/// codes for a multiple-choice one, a number for a number question, a string for a text.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub enum AnswerValue {
    Code(String),
    Codes(Vec<String>),
    Number(f64),
}

/// Why a body was refused; nothing is stored for any of them.
#[derive(Debug, Clone, PartialEq)]
pub enum Refusal {
    /// Not the contract's shape (422 with a message, no question details).
    Malformed(String),
    /// Answers that do not fit the questionnaire (422 with one detail per question, at most
    /// [`crate::problems::SHOWN`] of them, and the count of all).
    Answers(Problems<AnswerProblem>),
    /// An invite or class wave without an access code, or a code that cannot be ours (403).
    MissingCode,
}

/// Checks a JSON body against the wave and its questionnaire.
pub fn from_json(wave: &Wave, survey: &Survey, body: &[u8]) -> Result<Submission, Refusal> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| Refusal::Malformed(format!("the body is not valid JSON: {e}")))?;
    from_value(wave, survey, value)
}

/// [`from_json`] for a body already read as JSON (the API's extractor does that).
pub fn from_value(wave: &Wave, survey: &Survey, value: Value) -> Result<Submission, Refusal> {
    check(wave, survey, value, |body| {
        access_proof(wave.access, body.access_code.as_deref())
    })
}

/// A body of `trygg import` (or `trygg demo`): checked exactly as [`from_value`] checks one the
/// API receives, except that no access code is asked for — the response comes with `design`, its
/// design variables, instead. The body hash covers every field but `access_code`, so `school`
/// and `class` of a class wave's line are part of it.
pub fn from_import(
    wave: &Wave,
    survey: &Survey,
    value: Value,
    design: AccessProof,
) -> Result<Submission, Refusal> {
    check(wave, survey, value, |_| Ok(design))
}

fn check(
    wave: &Wave,
    survey: &Survey,
    value: Value,
    access: impl FnOnce(&ApiBody) -> Result<AccessProof, Refusal>,
) -> Result<Submission, Refusal> {
    let parsed = ApiBody::deserialize(&value)
        .map_err(|e| Refusal::Malformed(format!("the body does not match the contract: {e}")))?;
    let submission_id = parse_submission_id(&parsed.submission_id)?;
    let language = match parsed.language.as_deref() {
        None => Lang::Sv,
        Some(code) => Lang::parse(code)
            .ok_or_else(|| Refusal::Malformed(format!("language `{code}` is not one of sv, en")))?,
    };
    let access = access(&parsed)?;
    let answers = validate(survey, &parsed.answers).map_err(Refusal::Answers)?;
    // The hash covers the body as the client meant it: the id in its canonical form, and not the
    // access code — whoever holds printed codes must not be able to test stored hashes.
    let mut value = value;
    value["submission_id"] = Value::String(submission_id.clone());
    if let Value::Object(map) = &mut value {
        map.remove("access_code");
    }
    Ok(Submission::checked(
        wave,
        survey,
        Checked {
            submission_id,
            body_hash: body_hash(&value),
            language,
            answers,
            access,
            draft_id: None,
        },
    ))
}

/// A finished form draft: the same checks as a body of the API (a canonical submission id, the
/// answers against the questionnaire, the code the wave's access mode requires), with the code
/// already checked and hashed when the draft was started (`proof`). Answers are checked before
/// the code, so a respondent whose answers need fixing is sent back to them first. The body hash
/// covers the answers only: the form's submission id and language are the draft's own.
pub fn from_draft(
    wave: &Wave,
    survey: &Survey,
    draft: FormDraft<'_>,
) -> Result<Submission, Refusal> {
    let answers = validate(survey, draft.answers).map_err(Refusal::Answers)?;
    let access = match (draft.proof, wave.access) {
        (_, Access::Open) => AccessProof::None,
        (Some(hash), Access::Invite) => AccessProof::Invitation(hash.to_owned()),
        (Some(hash), Access::Class) => AccessProof::PupilCode(hash.to_owned()),
        (None, Access::Invite | Access::Class) => return Err(Refusal::MissingCode),
    };
    let submission_id = parse_submission_id(draft.submission_id)?;
    let body_hash = body_hash(&Value::Object(answers.to_json()));
    Ok(Submission::checked(
        wave,
        survey,
        Checked {
            submission_id,
            body_hash,
            language: draft.language,
            answers,
            access,
            draft_id: Some(draft.draft_id.to_owned()),
        },
    ))
}

/// What [`from_draft`] takes of a form draft.
pub struct FormDraft<'a> {
    pub draft_id: &'a str,
    pub submission_id: &'a str,
    pub language: Lang,
    pub answers: &'a Map<String, Value>,
    /// The hash of the access code the draft was started with.
    pub proof: Option<&'a str>,
}

/// A submission id must be a UUID; it is stored in its canonical lower-case form so that the
/// same id written in capitals is still the same submission.
pub fn parse_submission_id(text: &str) -> Result<String, Refusal> {
    uuid::Uuid::parse_str(text.trim())
        .map(|u| u.hyphenated().to_string())
        .map_err(|_| Refusal::Malformed(format!("submission_id `{text}` is not a UUID")))
}

/// What the wave's access mode requires of the code.
pub fn access_proof(access: Access, code: Option<&str>) -> Result<AccessProof, Refusal> {
    let code = code.map(codes::normalize).filter(|c| !c.is_empty());
    match (access, code) {
        (Access::Open, _) => Ok(AccessProof::None),
        (_, None) => Err(Refusal::MissingCode),
        (_, Some(code)) if !codes::looks_valid(&code) => Err(Refusal::MissingCode),
        (Access::Invite, Some(code)) => Ok(AccessProof::Invitation(codes::hash(&code))),
        (Access::Class, Some(code)) => Ok(AccessProof::PupilCode(codes::hash(&code))),
    }
}

/// The SHA-256 (hex) of the body as JSON with object keys sorted at every level, whatever
/// order the client wrote them in, so that a retry of the same body has the same hash.
///
/// serde_json keeps an object's keys sorted (its map is a `BTreeMap` unless the
/// `preserve_order` feature is on, which the test `key_order_does_not_change_the_body_hash`
/// would catch), so the compact JSON it writes is that form: written straight into the hash,
/// without a string of the whole body in between.
pub fn body_hash(value: &Value) -> String {
    use sha2::Digest;
    // The hasher is a writer itself (sha2's `std` feature).
    let mut hasher = sha2::Sha256::new();
    // Neither the hash nor a `Value` (whose keys are strings) can fail to be written.
    let _ = serde_json::to_writer(&mut hasher, value);
    hex::encode(hasher.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn key_order_does_not_change_the_body_hash() {
        let a: Value =
            serde_json::from_str(r#"{"b":1,"a":{"y":[1,{"q":2,"p":3}],"x":"å"}}"#).expect("json");
        let b: Value =
            serde_json::from_str(r#"{"a":{"x":"å","y":[1,{"p":3,"q":2}]},"b":1}"#).expect("json");
        assert_eq!(body_hash(&a), body_hash(&b));
        assert_ne!(body_hash(&a), body_hash(&json!({"b": 2})));
        // The form hashed is compact JSON with sorted keys, as every stored hash was made:
        // a retry of a body stored by an earlier version is still a repeat.
        assert_eq!(
            body_hash(&a),
            crate::util::sha256_hex(r#"{"a":{"x":"å","y":[1,{"p":3,"q":2}]},"b":1}"#)
        );
    }

    #[test]
    fn submission_ids_are_canonical_uuids() {
        let id = "9C5B94B1-35AD-49BB-B118-8E8FC24ABF80";
        assert_eq!(
            parse_submission_id(id),
            Ok("9c5b94b1-35ad-49bb-b118-8e8fc24abf80".to_owned())
        );
        assert!(matches!(
            parse_submission_id("42"),
            Err(Refusal::Malformed(m)) if m.contains("42")
        ));
    }

    #[test]
    fn waves_that_need_a_code_refuse_a_missing_or_impossible_one() {
        assert_eq!(access_proof(Access::Open, None), Ok(AccessProof::None));
        assert_eq!(access_proof(Access::Class, None), Err(Refusal::MissingCode));
        assert_eq!(
            access_proof(Access::Class, Some("  ")),
            Err(Refusal::MissingCode)
        );
        assert_eq!(
            access_proof(Access::Invite, Some("abc")),
            Err(Refusal::MissingCode)
        );
        let code = codes::new_pupil_code();
        assert_eq!(
            access_proof(Access::Class, Some(&code.to_lowercase())),
            Ok(AccessProof::PupilCode(codes::hash(&code)))
        );
    }
}
