//! The demo's action plan: nine interventions of the demo municipality across the three
//! priority areas, two of them the agreement's citizen promises (medborgarlöften) of 2023–2024
//! and 2025–2026, with the promises' follow-up per year, in every
//! status (one delayed and one cancelled, each with its reason), with output measures planned
//! and done per year 2022–2025, outcome indicators of the demo's questionnaires with baseline
//! waves and targets, and yearly follow-up notes.
//!
//! Everything goes through the forms' own checks (`plan::InterventionForm`, `OutputForm`,
//! `LinkForm`) and the store's audited writes, as an evaluator's edits would; the delayed and
//! the cancelled intervention start out as ongoing and are changed later, so their history shows
//! a change.

use std::collections::HashMap;

use sea_orm::DatabaseConnection;

use super::DemoError;
use crate::agreement::AgreementCatalog;
use crate::plan::links::LinkForm;
use crate::plan::outputs::{OutputForm, actual_field, planned_field};
use crate::plan::promises::PromiseFollowUpForm;
use crate::plan::{Choices, InterventionForm};
use crate::store;
use crate::survey::SurveyCatalog;

const ACTOR: &str = "demo";

/// What `trygg demo` says about the plan.
pub const SUMMARY: &str = "Action plan (/evaluate/plan): 9 interventions in the three priority areas, two of them the citizen promises 2023–2024 and 2025–2026, one delayed and one cancelled";

/// An output measure: name, unit, and per year (planned, actual) as typed ("" for none).
type DemoOutput = (
    &'static str,
    &'static str,
    &'static [(i32, &'static str, &'static str)],
);

struct DemoIntervention {
    area: &'static str,
    title: &'static str,
    /// The id of the agreement's citizen promise it carries out ("" for none).
    promise: &'static str,
    problem: &'static str,
    mechanism: &'static str,
    responsible: &'static str,
    responsible_other: &'static str,
    who: [&'static str; 3],
    partners: &'static str,
    years: (i32, i32),
    /// The status it is created with, and the one (with the reason) it is changed to later.
    status: &'static str,
    later: Option<(&'static str, &'static str)>,
    outputs: &'static [DemoOutput],
    /// `survey/indicator`, baseline wave, target ("" for none).
    indicators: &'static [(&'static str, &'static str, &'static str)],
    follow_ups: &'static [(i32, &'static str)],
}

/// The texts for residents of the interventions shown on the public page `/trygghet` (by title).
const PUBLIC_TEXTS: &[(&str, &str)] = &[
    (
        "Medborgarlöfte 2025–2026: Trygga mötesplatser för unga",
        "Fritidsgårdarna har öppet fredag och lördag kväll, polisen besöker skolorna i årskurs 8 och 9 varje termin, och föräldrar som vill nattvandra får utbildning och material.",
    ),
    (
        "Medborgarlöfte 2023–2024: Tryggare centrum på kvällarna",
        "Polisen och kommunens trygghetsvärdar har funnits i centrum fredag och lördag kväll, och belysningen kring resecentrum ses över varje vecka.",
    ),
    (
        "Belysning och röjning av gångstråk",
        "Vi har satt upp ny belysning och röjt buskar längs gångstråken mellan bostadsområdena och centrum, så att det är ljust och öppet att gå där på kvällen.",
    ),
    (
        "Snabb sanering av klotter och skadegörelse",
        "Klotter och skadegörelse som anmäls tas bort inom två dagar. Felanmäl i appen eller på kommunens webbplats.",
    ),
    (
        "Vuxennärvaro på fredagskvällar",
        "Vuxna från föreningar, fältassistenter och föräldrar finns ute i centrum och vid fritidsgårdarna på fredagskvällar.",
    ),
];

const PLAN: &[DemoIntervention] = &[
    DemoIntervention {
        area: "outdoor-insecurity",
        title: "Medborgarlöfte 2023–2024: Tryggare centrum på kvällarna",
        promise: "centrum-2023-2024",
        problem: "Trygghetsundersökningen 2022 visar att var femte invånare känner sig otrygg i centrum sent på kvällen, och att öppen narkotikaförsäljning vid resecentrum ses som ett växande problem. Medborgardialogen i november 2022 pekade ut resecentrum och Storgatan.",
        mechanism: "Synlig polis och kommunens fältassistenter på fasta tider fredag och lördag kväll minskar tillfällena till brott och ökar tryggheten. Trygghetsvandringar med boende ger åtgärder i den fysiska miljön där de behövs.",
        responsible: "both",
        responsible_other: "",
        who: [
            "Kommunpolis och brottsförebyggande samordnare",
            "Lokalpolisområdet och kommunens fältassistenter",
            "Lokala BRÅ:s styrgrupp",
        ],
        partners: "Fastighetsägare i centrum, Citysamverkan, Nattvandrarna",
        years: (2023, 2024),
        status: "ongoing",
        later: None,
        outputs: &[
            (
                "Polisens närvaro i centrum fredag och lördag kväll",
                "timmar",
                &[(2023, "300", "318"), (2024, "400", "436")],
            ),
            (
                "Trygghetsvandringar med boende",
                "antal",
                &[(2023, "4", "4"), (2024, "4", "3")],
            ),
        ],
        indicators: &[
            ("resident-safety/unsafe_night", "trygghet-2022", "15"),
            (
                "resident-safety/knows_citizen_promise",
                "trygghet-2022",
                "40",
            ),
            ("resident-safety/drug_dealing", "trygghet-2022", "15"),
        ],
        follow_ups: &[
            (
                2023,
                "Kvällsnärvaron kom i gång i maj och hölls alla helger utom två under semestern. Fyra trygghetsvandringar med boende; belysningen vid resecentrum byttes i oktober.",
            ),
            (
                2024,
                "Närvaron blev större än planerat tack vare förstärkning under sommaren. Tre trygghetsvandringar gav 23 åtgärdsförslag, varav 17 är genomförda (belysning vid resecentrum, beskärning i Stadsparken). Otryggheten kvällstid fortsätter att minska, men narkotikaförsäljningen upplevs som ett större problem än 2023.",
            ),
        ],
    },
    DemoIntervention {
        area: "outdoor-insecurity",
        title: "Belysning och röjning av gångstråk",
        promise: "",
        problem: "Var fjärde invånare ser dålig belysning som ett stort problem (2022), särskilt i Sjöviken och längs gång- och cykelvägen mot stationen.",
        mechanism: "Bättre belysning och öppnare sikt gör platser tryggare och minskar tillfällena till brott (situationell prevention).",
        responsible: "municipality",
        responsible_other: "",
        who: [
            "Samhällsbyggnadsförvaltningen",
            "Gatu- och parkenheten",
            "Brottsförebyggande samordnare",
        ],
        partners: "Bostadsbolaget, Trafikverket",
        years: (2022, 2024),
        status: "done",
        later: None,
        outputs: &[
            (
                "Nya eller utbytta belysningspunkter",
                "antal",
                &[(2022, "40", "38"), (2023, "60", "64"), (2024, "50", "50")],
            ),
            (
                "Röjda buskage längs gångstråk",
                "meter",
                &[(2022, "1 500", "1 720"), (2023, "2 000", "1 850,5")],
            ),
        ],
        indicators: &[
            ("resident-safety/poor_lighting", "trygghet-2022", "15"),
            ("resident-safety/unsafe_night", "trygghet-2022", "15"),
        ],
        follow_ups: &[
            (
                2022,
                "Första etappen i Sjöviken klar i november. Två punkter fick vänta på markavtal.",
            ),
            (
                2023,
                "Etapp två längs stationsstråket klar. Andelen som ser dålig belysning som ett problem har minskat sedan 2022.",
            ),
            (
                2024,
                "Insatsen är avslutad. Underhållet går över till gatu- och parkenhetens ordinarie drift.",
            ),
        ],
    },
    DemoIntervention {
        area: "outdoor-insecurity",
        title: "Snabb sanering av klotter och skadegörelse",
        promise: "",
        problem: "Skadegörelse och klotter som blir kvar länge signalerar att ingen bryr sig och ökar otryggheten.",
        mechanism: "Klotter som saneras inom 48 timmar ger mindre nytt klotter och en miljö som upplevs som omhändertagen.",
        responsible: "municipality",
        responsible_other: "",
        who: [
            "Gatu- och parkenheten",
            "Upphandlad saneringsfirma",
            "Gatu- och parkenheten",
        ],
        partners: "Bostadsbolaget",
        years: (2024, 2025),
        status: "ongoing",
        later: Some((
            "delayed",
            "Upphandlingen av saneringsavtalet överprövades i förvaltningsrätten. Ett nytt avtal gäller från mars 2025; fram till dess saneras bara anstötligt klotter.",
        )),
        outputs: &[(
            "Anmält klotter sanerat inom 48 timmar",
            "procent",
            &[(2024, "90", "62"), (2025, "90", "")],
        )],
        indicators: &[("resident-safety/vandalism_graffiti", "trygghet-2023", "")],
        follow_ups: &[(
            2024,
            "Försenad av överprövningen. Målet 90 procent nåddes inte; nytt avtal från mars 2025.",
        )],
    },
    DemoIntervention {
        area: "youth-at-risk",
        title: "Vuxennärvaro på fredagskvällar",
        promise: "",
        problem: "Unga samlas i centrum och vid idrottsplatsen fredagskvällar, där alkohol och narkotika erbjuds. Färre än hälften av eleverna har trygga vuxna där de är på fritiden.",
        mechanism: "Fler trygga vuxna där unga är minskar risken att unga dras in i alkohol, narkotika och brott, och ger tidiga signaler till socialtjänst och polis.",
        responsible: "both",
        responsible_other: "",
        who: [
            "Fritidsförvaltningen",
            "Fältassistenter, föräldravandrare och närpolis",
            "Brottsförebyggande samordnare",
        ],
        partners: "Föräldraföreningar, Svenska kyrkan, idrottsföreningar",
        years: (2023, 2025),
        status: "ongoing",
        later: None,
        outputs: &[
            (
                "Kvällar med vuxenvandring",
                "antal",
                &[(2023, "30", "26"), (2024, "40", "41"), (2025, "40", "33")],
            ),
            (
                "Vuxna som vandrat minst en gång",
                "antal",
                &[(2023, "60", "48"), (2024, "80", "85"), (2025, "80", "")],
            ),
        ],
        indicators: &[
            ("school-drug-habits/trusted_adults", "drogvanor-2022", "60"),
            ("school-drug-habits/drugs_offered_12m", "drogvanor-2022", ""),
        ],
        follow_ups: &[
            (
                2023,
                "Svårt att få föräldrar att vandra under hösten; färre kvällar än planerat.",
            ),
            (
                2024,
                "Samarbetet med idrottsföreningarna gav fler vandrare. Fältassistenterna rapporterar färre grupper vid resecentrum.",
            ),
        ],
    },
    DemoIntervention {
        area: "youth-at-risk",
        title: "Samverkan skola, socialtjänst, polis och fritid (SSPF)",
        promise: "",
        problem: "Unga som riskerar att dras in i kriminalitet och missbruk upptäcks sent, och insatserna från skola, socialtjänst och polis är inte samordnade.",
        mechanism: "En gemensam bedömning och en individuell plan med den unge och vårdnadshavarna ger tidigare och samordnat stöd.",
        responsible: "both",
        responsible_other: "",
        who: [
            "Socialtjänsten",
            "SSPF-gruppen",
            "Socialtjänstens enhetschef",
        ],
        partners: "Elevhälsan, fritidsgårdarna",
        years: (2022, 2024),
        status: "done",
        later: None,
        outputs: &[(
            "Unga med individuell SSPF-plan",
            "antal",
            &[(2022, "15", "12"), (2023, "20", "22"), (2024, "20", "19")],
        )],
        indicators: &[("school-drug-habits/cannabis_ever", "drogvanor-2022", "5")],
        follow_ups: &[(
            2024,
            "Arbetssättet är infört i ordinarie verksamhet och följs upp i socialtjänstens verksamhetsplan.",
        )],
    },
    DemoIntervention {
        area: "youth-at-risk",
        title: "Drogförebyggande föräldramöten i årskurs 9",
        promise: "",
        problem: "Användningen av e-cigaretter ökar bland eleverna, och många föräldrar känner inte till hur vanligt det är.",
        mechanism: "Föräldrar som vet hur vanligt det är och som sätter tydliga gränser minskar ungas debut.",
        responsible: "municipality",
        responsible_other: "",
        who: [
            "Alkohol- och drogsamordnare",
            "Skolorna",
            "Alkohol- och drogsamordnare",
        ],
        partners: "",
        years: (2024, 2025),
        status: "ongoing",
        later: Some((
            "cancelled",
            "Ersattes av regionens föräldrastödsprogram, som skolorna valde i stället från hösten 2024.",
        )),
        outputs: &[("Föräldramöten", "antal", &[(2024, "8", "3")])],
        indicators: &[("school-drug-habits/vaping", "drogvanor-2023", "10")],
        follow_ups: &[],
    },
    DemoIntervention {
        area: "threats-violence",
        title: "Hot och våld mot anställda: rutiner, utbildning och stöd",
        promise: "",
        problem: "Var tredje anställd har hotats i arbetet (2022), och hälften vet inte hur de ska göra när det händer.",
        mechanism: "Kända rutiner och utbildning gör att hot anmäls, att den utsatta får stöd och att arbetsplatsen kan förebygga nästa händelse.",
        responsible: "municipality",
        responsible_other: "",
        who: [
            "HR-avdelningen",
            "Förvaltningarnas chefer",
            "Säkerhetssamordnaren",
        ],
        partners: "Polisen (kontaktperson för hot mot förtroendevalda), företagshälsovården",
        years: (2023, 2025),
        status: "ongoing",
        later: None,
        outputs: &[(
            "Anställda som gått utbildningen",
            "antal",
            &[
                (2023, "300", "210"),
                (2024, "300", "320"),
                (2025, "300", "305"),
            ],
        )],
        indicators: &[
            ("staff-safety/knows_routines", "personal-2022", "80"),
            ("staff-safety/threatened", "personal-2022", "25"),
        ],
        follow_ups: &[
            (
                2023,
                "Utbildningen startade i april; färre än planerat hann gå den.",
            ),
            (
                2024,
                "Fler än planerat gick utbildningen. Andelen som vet hur de ska göra har ökat tydligt.",
            ),
        ],
    },
    DemoIntervention {
        area: "threats-violence",
        title: "Våld i nära relationer: information i vården och i centrum",
        promise: "",
        problem: "Få som utsätts för våld i nära relationer söker hjälp, och andelen invånare som utsatts för hot eller våld har ökat sedan 2022.",
        mechanism: "Information där de utsatta redan finns (vårdcentraler, apotek, tandvård) gör stödet känt och sänker tröskeln att söka hjälp.",
        responsible: "other",
        responsible_other: "Regionen (vårdcentralerna)",
        who: [
            "Kommunens samordnare mot våld i nära relationer",
            "Vårdcentralerna",
            "Kommunens samordnare mot våld i nära relationer",
        ],
        partners: "Kvinnojouren, polisen",
        years: (2026, 2027),
        status: "not-started",
        later: None,
        outputs: &[(
            "Vårdcentraler med informationsmaterial",
            "antal",
            &[(2026, "6", ""), (2027, "6", "")],
        )],
        indicators: &[(
            "resident-safety/victim_threat_violence",
            "trygghet-2025",
            "",
        )],
        follow_ups: &[],
    },
    DemoIntervention {
        area: "youth-at-risk",
        title: "Medborgarlöfte 2025–2026: Trygga mötesplatser för unga",
        promise: "unga-2025-2026",
        problem: "Drogvaneundersökningen 2024 visar att fler unga i årskurs 9 har erbjudits narkotika, och dialogerna med unga hösten 2024 pekade på att det saknas vuxna och öppna platser att vara på under helgkvällarna.",
        mechanism: "Öppna mötesplatser med vuxna och regelbundna möten med polisen ger unga skyddsfaktorer och minskar tillfällena att dras in i kriminalitet och narkotika.",
        responsible: "both",
        responsible_other: "",
        who: [
            "Fritidsförvaltningen och kommunpolisen",
            "Fritidsgårdarna, skolpolisen och föräldraföreningarna",
            "Lokala BRÅ:s styrgrupp",
        ],
        partners: "Föräldraföreningar, Nattvandrarna",
        years: (2025, 2026),
        status: "ongoing",
        later: None,
        outputs: &[
            (
                "Kvällar med öppen fritidsgård fredag och lördag",
                "antal",
                &[(2025, "96", "91"), (2026, "96", "")],
            ),
            (
                "Polisens besök i årskurs 8 och 9",
                "antal",
                &[(2025, "24", "24"), (2026, "24", "")],
            ),
        ],
        indicators: &[
            ("school-drug-habits/drugs_offered_12m", "drogvanor-2024", ""),
            ("school-drug-habits/trusted_adults", "drogvanor-2024", ""),
        ],
        follow_ups: &[(
            2025,
            "Fritidsgårdarna höll öppet 91 av 96 planerade kvällar (fem stängdes vid personalbrist). Polisen besökte alla skolor båda terminerna. Två föräldraföreningar fick utbildning för föräldravandringar.",
        )],
    },
];

fn refused(title: &str, what: &str, problems: &crate::plan::FormProblems) -> DemoError {
    let texts: Vec<String> = problems
        .0
        .iter()
        .map(|(f, t)| format!("{f}: {}", t.en))
        .collect();
    DemoError::Refused(format!(
        "action plan, {title}: {what}: {}",
        texts.join("; ")
    ))
}

fn plan_error(title: &str, e: store::plan::PlanError) -> DemoError {
    DemoError::failed(format!("action plan, {title}"), e)
}

/// Fills the action plan; how many interventions it holds.
pub async fn fill(
    db: &DatabaseConnection,
    catalog: &SurveyCatalog,
    agreements: &AgreementCatalog,
) -> Result<usize, DemoError> {
    let waves = store::waves::list(db).await?;
    let choices = Choices::of(agreements);
    for d in PLAN {
        // Without the shipped agreement the promise is only a mark (two years, as before).
        let known = choices.promises.iter().any(|p| p.id == d.promise);
        let mut form = InterventionForm {
            priority_area: d.area.into(),
            title: d.title.into(),
            problem: d.problem.into(),
            mechanism: d.mechanism.into(),
            responsible: d.responsible.into(),
            responsible_other: d.responsible_other.into(),
            planned_by: d.who[0].into(),
            carried_out_by: d.who[1].into(),
            followed_up_by: d.who[2].into(),
            partners: d.partners.into(),
            start_year: d.years.0.to_string(),
            end_year: d.years.1.to_string(),
            status: d.status.into(),
            status_reason: String::new(),
            citizen_promise: (!d.promise.is_empty() && !known).then(|| "yes".into()),
            promise: if known {
                d.promise.into()
            } else {
                String::new()
            },
            public_text: PUBLIC_TEXTS
                .iter()
                .find(|(title, _)| *title == d.title)
                .map(|(_, text)| (*text).to_owned())
                .unwrap_or_default(),
            version: String::new(),
        };
        let new = form
            .parse(&choices)
            .map_err(|p| refused(d.title, "intervention", &p))?;
        let id = store::plan::create(db, &new, ACTOR).await?;
        for (name, unit, values) in d.outputs {
            let mut fields: HashMap<String, String> = HashMap::new();
            fields.insert("name".into(), (*name).into());
            fields.insert("unit".into(), (*unit).into());
            for (year, planned, actual) in *values {
                fields.insert(planned_field(*year), (*planned).into());
                fields.insert(actual_field(*year), (*actual).into());
            }
            let years: Vec<i32> = new.years().collect();
            let output = OutputForm::from_fields(&fields, &years)
                .parse()
                .map_err(|p| refused(d.title, name, &p))?;
            store::plan::save_output(db, id, None, &output, ACTOR)
                .await
                .map_err(|e| plan_error(d.title, e))?;
        }
        for (indicator, wave, target) in d.indicators {
            let form = LinkForm {
                indicator: (*indicator).into(),
                baseline_wave: (*wave).into(),
                target: (*target).into(),
            };
            let link = form
                .parse(catalog, &waves)
                .map_err(|p| refused(d.title, indicator, &p))?;
            store::plan::save_link(db, catalog, id, None, &link, ACTOR)
                .await
                .map_err(|e| plan_error(d.title, e))?;
        }
        for (year, note) in d.follow_ups {
            store::plan::save_follow_up(db, id, *year, note, ACTOR)
                .await
                .map_err(|e| plan_error(d.title, e))?;
        }
        if let Some((status, reason)) = d.later {
            form.status = status.into();
            form.status_reason = reason.into();
            let changed = form
                .parse(&choices)
                .map_err(|p| refused(d.title, "status", &p))?;
            store::plan::update(db, id, 1, &changed, ACTOR)
                .await
                .map_err(|e| plan_error(d.title, e))?;
        }
    }
    for (promise, year, state, note) in PROMISE_FOLLOW_UPS {
        if agreements.promise(promise).is_none() {
            continue;
        }
        let follow_up = PromiseFollowUpForm {
            state: (*state).into(),
            note: (*note).into(),
        }
        .parse()
        .map_err(|p| refused(promise, "follow-up", &p))?;
        store::promises::save_follow_up(db, promise, *year, &follow_up, ACTOR).await?;
    }
    Ok(PLAN.len())
}

/// The citizen promises' follow-up per year: promise, year, state, what was done.
const PROMISE_FOLLOW_UPS: &[(&str, i32, &str, &str)] = &[
    (
        "centrum-2023-2024",
        2023,
        "kept",
        "Polis och trygghetsvärdar fanns i centrum fredag och lördag kväll från maj, utom två helger i juli. Trasig belysning vid stationen lagades i snitt inom fem dagar. Vi berättade om arbetet i lokaltidningen och på kommunens webbplats i juni och december.",
    ),
    (
        "centrum-2023-2024",
        2024,
        "partly",
        "Kvällsnärvaron hölls hela året. Belysningen lagades inom en vecka i 41 av 52 fall: leveransproblem med armaturer under våren. Halvårsrapporterna kom som utlovat.",
    ),
    (
        "unga-2025-2026",
        2025,
        "kept",
        "Fritidsgårdarna höll öppet 91 av 96 kvällar, polisen besökte alla skolor i årskurs 8 och 9 båda terminerna och två föräldraföreningar fick utbildning och material för föräldravandringar.",
    ),
    (
        "unga-2025-2026",
        2026,
        "ongoing",
        "Öppettiderna och skolbesöken fortsätter under 2026; året följs upp i januari 2027.",
    ),
];
