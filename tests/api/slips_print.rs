//! The printed pupil-code slips, as a coordinator's browser prints them: the codes page printed
//! to PDF by headless Chromium with the service's style sheet, and read back with `pdftotext`.
//! Every code is whole on one line, 18 slips fill an A4 page, and every sentence of a slip is
//! whole inside its slip (nothing runs over into the next, nothing is cut).

use trygg::accounts::Role;
use trygg::collect::Access;

use crate::class_sessions::open_and_print;
use crate::helpers::{Backend, in_ci, spawn_app};
use crate::responses::create_wave;

/// A word of `pdftotext -bbox`: its page (from 0), box in points and text.
#[derive(Debug, Clone)]
struct Word {
    page: usize,
    x_min: f64,
    y_min: f64,
    y_max: f64,
    text: String,
}

fn attribute(tag: &str, name: &str) -> f64 {
    let marker = format!("{name}=\"");
    let start = tag.find(&marker).map(|at| at + marker.len()).unwrap_or(0);
    let end = tag[start..].find('"').map_or(start, |e| start + e);
    tag[start..end].parse().unwrap_or(f64::NAN)
}

/// The words of a PDF with their boxes, or `None` to skip (a failure under CI).
fn read_words(pdf: &[u8]) -> Option<(Vec<Word>, usize)> {
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("slips.pdf");
    std::fs::write(&file, pdf).expect("write");
    let output = match std::process::Command::new("pdftotext")
        .arg("-bbox")
        .arg(&file)
        .arg("-")
        .output()
    {
        Ok(output) => output,
        Err(_) => {
            assert!(!in_ci(), "CI is set but pdftotext is not installed");
            eprintln!("SKIP: pdftotext not found (apt-get install poppler-utils)");
            return None;
        }
    };
    let xhtml = String::from_utf8_lossy(&output.stdout).into_owned();
    let mut out = Vec::new();
    let mut page = 0;
    let mut pages = 0;
    for piece in xhtml.split('<').skip(1) {
        if piece.starts_with("page ") {
            page = pages;
            pages += 1;
        } else if let Some(rest) = piece.strip_prefix("word ") {
            let (tag, text) = rest.split_once('>').unwrap_or((rest, ""));
            out.push(Word {
                page,
                x_min: attribute(tag, "xMin"),
                y_min: attribute(tag, "yMin"),
                y_max: attribute(tag, "yMax"),
                text: text
                    .replace("&amp;", "&")
                    .replace("&lt;", "<")
                    .replace("&gt;", ">"),
            });
        }
    }
    Some((out, pages))
}

const MM: f64 = 72.0 / 25.4;
/// The slips' page: A4 with 10 mm margins, 3 columns, rows of 43 mm (`trygg.css`).
const MARGIN: f64 = 10.0 * MM;
const COLUMN: f64 = (210.0 - 20.0) / 3.0 * MM;
const ROW: f64 = 43.0 * MM;

/// The slip a word is printed on: (page, row, column).
fn slip_of(w: &Word) -> (usize, i64, i64) {
    (
        w.page,
        ((w.y_min - MARGIN) / ROW).floor() as i64,
        ((w.x_min - MARGIN) / COLUMN).floor() as i64,
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn printed_slips_keep_each_code_on_one_line_and_every_sentence_whole_18_to_a_page() {
    let Some(_) = trygg::pdf::chromium() else {
        assert!(!in_ci(), "CI is set but Chromium is not installed");
        eprintln!("SKIP: Chromium not found (apt-get install chromium)");
        return;
    };
    let app = spawn_app(Backend::Sqlite).await.expect("app");
    create_wave(&app, "school-drug-habits", "drogvanor-2026", Access::Class).await;
    app.sign_in_as(Role::School).await;
    // 20 pupils: a full page of 18 and two on the next.
    let (_, page, codes) = open_and_print(&app, 20).await;
    assert_eq!(codes.len(), 20);

    // The page as the coordinator's browser prints it, with the style sheet it links to.
    let css = app
        .get("/static/trygg.css")
        .await
        .text()
        .await
        .expect("CSS");
    let link = "<link rel=\"stylesheet\" href=\"/static/trygg.css\">";
    assert!(page.contains(link), "the page links its style sheet");
    let document = page.replace(link, &format!("<style>{css}</style>"));
    let pdf = trygg::pdf::print(&document).await.expect("PDF");
    let Some((words, pages)) = read_words(&pdf) else {
        return;
    };
    assert_eq!(pages, 2, "20 slips: a page of 18 and one of 2");

    // Every code is one word on one line, and the 20 printed are the 20 issued.
    let printed: Vec<&Word> = words
        .iter()
        .filter(|w| w.text.len() == 14 && w.text.matches('-').count() == 2)
        .collect();
    let mut found: Vec<&str> = printed.iter().map(|w| w.text.as_str()).collect();
    found.sort_unstable();
    let mut issued: Vec<&str> = codes.iter().map(String::as_str).collect();
    issued.sort_unstable();
    assert_eq!(found, issued, "each code whole on one line");
    assert_eq!(printed.iter().filter(|w| w.page == 0).count(), 18);
    assert_eq!(printed.iter().filter(|w| w.page == 1).count(), 2);
    // No piece of a broken code: nothing ends in a hyphen.
    assert!(
        !words.iter().any(|w| w.text.ends_with('-')),
        "a word ends in a hyphen: a broken code"
    );

    // Each slip's words in reading order hold its whole text, and no slip holds another's.
    let expected = [
        "Gå till / Go to",
        "Din kod / Your code",
        "Koden fungerar en gång. Dina svar är anonyma – koden kopplas aldrig till dig.",
        "The code works once. Your answers are anonymous – the code is never linked to you.",
    ];
    for code in &printed {
        let slip = slip_of(code);
        let mut on_slip: Vec<&Word> = words.iter().filter(|w| slip_of(w) == slip).collect();
        on_slip.sort_by(|a, b| {
            (a.y_min.round(), a.x_min)
                .partial_cmp(&(b.y_min.round(), b.x_min))
                .expect("numbers")
        });
        let text = on_slip
            .iter()
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        for sentence in expected {
            assert!(
                text.contains(sentence),
                "slip {slip:?} lacks {sentence:?}: {text}"
            );
        }
        assert_eq!(
            text.matches("linked to you.").count(),
            1,
            "one slip's text per slip: {text}"
        );
        // The last line stays inside the slip's 43 mm.
        let bottom = MARGIN + (slip.1 as f64 + 1.0) * ROW;
        let lowest = on_slip.iter().map(|w| w.y_max).fold(0.0, f64::max);
        assert!(
            lowest < bottom,
            "slip {slip:?} runs over its edge: {lowest} ≥ {bottom}"
        );
    }

    // A browser without named pages prints with the report's wider margins: still 18 a page.
    let named = "@page slips { size: A4; margin: 10mm; }";
    assert!(document.contains(named), "the slips' page rule");
    let wide = document.replace(named, "@page slips { size: A4; margin: 16mm 15mm 18mm; }");
    let pdf = trygg::pdf::print(&wide).await.expect("PDF");
    let Some((words, pages)) = read_words(&pdf) else {
        return;
    };
    assert_eq!(pages, 2);
    let on_first = words
        .iter()
        .filter(|w| w.page == 0 && codes.contains(&w.text))
        .count();
    assert_eq!(on_first, 18, "18 slips on the first page with wide margins");
}
