//! QR codes of addresses as SVG (for an open wave's letters and posters).

use qrcode::QrCode;
use qrcode::render::svg;

/// The QR code of `text` as an `<svg>` element (no XML declaration, so it can be put inline in
/// a page); `None` if the text is too long for a QR code.
pub fn svg(text: &str) -> Option<String> {
    let code = QrCode::new(text.as_bytes()).ok()?;
    let image = code
        .render::<svg::Color<'_>>()
        .min_dimensions(240, 240)
        .quiet_zone(true)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build();
    // The renderer starts with an XML declaration; an inline SVG must not.
    let start = image.find("<svg")?;
    Some(image[start..].to_owned())
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_address_becomes_an_svg_element() {
        let svg = super::svg("https://trygg.kommun.example/s/trygghet-2026").expect("fits");
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("</svg>"));
    }
}
