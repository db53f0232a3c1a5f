//! QR codes as PNG images, for `CreateVirtualMFADevice`'s `QRCodePNG`.
//!
//! The `qrcode` crate makes the module matrix; the PNG is written here by hand (8-bit
//! grayscale, one IDAT chunk holding a zlib stream of stored deflate blocks, CRC-32 and
//! Adler-32 computed here), so no image crate is needed. Stored blocks do not compress, but
//! an MFA QR code is small (a few tens of kilobytes) and made once per device.

use qrcode::{Color, QrCode};

/// Image pixels per QR module, in each direction.
pub const PIXELS_PER_MODULE: usize = 4;
/// Light modules around the code on each side, as the QR standard asks.
pub const QUIET_ZONE_MODULES: usize = 4;

const BLACK: u8 = 0x00;
const WHITE: u8 = 0xff;

/// The text does not fit in a QR code (or has characters the encoder refuses).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("cannot make a QR code: {0}")]
pub struct QrError(#[from] qrcode::types::QrError);

/// A QR code of `text` (error correction level M) as a PNG: black modules on white, a
/// 4-module quiet zone, 4 pixels per module.
pub fn qr_png(text: &str) -> Result<Vec<u8>, QrError> {
    let code = QrCode::new(text.as_bytes())?;
    let modules = code.width();
    let colors = code.to_colors();
    let side = (modules + 2 * QUIET_ZONE_MODULES) * PIXELS_PER_MODULE;

    // Raw scanlines: a filter byte (0, none) then one byte per pixel.
    let mut raw = Vec::with_capacity(side * (side + 1));
    for y in 0..side {
        raw.push(0);
        let my = (y / PIXELS_PER_MODULE).checked_sub(QUIET_ZONE_MODULES);
        for x in 0..side {
            let mx = (x / PIXELS_PER_MODULE).checked_sub(QUIET_ZONE_MODULES);
            let dark = match (mx, my) {
                (Some(mx), Some(my)) if mx < modules && my < modules => {
                    colors[my * modules + mx] == Color::Dark
                }
                _ => false,
            };
            raw.push(if dark { BLACK } else { WHITE });
        }
    }
    // A version 40 code is 177 modules, so the side is at most (177 + 8) * 4 = 740.
    let side = u32::try_from(side).unwrap_or(u32::MAX);
    Ok(grayscale_png(side, side, &raw))
}

/// A PNG of 8-bit grayscale pixels; `raw` holds the filtered scanlines (each a filter
/// byte and `width` pixels).
fn grayscale_png(width: u32, height: u32, raw: &[u8]) -> Vec<u8> {
    let mut png = Vec::with_capacity(raw.len() + raw.len() / 65_535 * 5 + 128);
    png.extend_from_slice(b"\x89PNG\r\n\x1a\n");

    let mut ihdr = Vec::with_capacity(13);
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]); // depth 8, grayscale, deflate, filter 0, no interlace
    chunk(&mut png, b"IHDR", &ihdr);
    chunk(&mut png, b"IDAT", &zlib_stored(raw));
    chunk(&mut png, b"IEND", &[]);
    png
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    // Chunks here are far below 2^31 bytes (PNG's limit).
    let len = u32::try_from(data.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&len.to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32(&out[start..]);
    out.extend_from_slice(&crc.to_be_bytes());
}

/// A zlib stream (RFC 1950) of stored deflate blocks (RFC 1951 section 3.2.4).
fn zlib_stored(data: &[u8]) -> Vec<u8> {
    const MAX_BLOCK: usize = 65_535;
    let mut out = Vec::with_capacity(data.len() + data.len() / MAX_BLOCK * 5 + 11);
    // CMF: deflate, 32 KiB window; FLG: no dictionary, level 0, check bits so that
    // (CMF * 256 + FLG) % 31 == 0.
    out.extend_from_slice(&[0x78, 0x01]);
    let mut blocks = data.chunks(MAX_BLOCK).peekable();
    if blocks.peek().is_none() {
        out.extend_from_slice(&[0x01, 0x00, 0x00, 0xff, 0xff]);
    }
    while let Some(block) = blocks.next() {
        let last = blocks.peek().is_none();
        out.push(u8::from(last)); // BFINAL, BTYPE = 00
        let len = u16::try_from(block.len()).unwrap_or(u16::MAX);
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(block);
    }
    out.extend_from_slice(&adler32(data).to_be_bytes());
    out
}

/// CRC-32 (ISO 3309, reflected polynomial 0xEDB88320), as PNG chunks use.
fn crc32(data: &[u8]) -> u32 {
    const TABLE: [u32; 256] = {
        let mut table = [0u32; 256];
        let mut n = 0;
        while n < 256 {
            let mut c = n as u32;
            let mut k = 0;
            while k < 8 {
                c = if c & 1 != 0 {
                    0xedb8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
                k += 1;
            }
            table[n] = c;
            n += 1;
        }
        table
    };
    let mut crc = 0xffff_ffffu32;
    for &b in data {
        crc = TABLE[((crc ^ u32::from(b)) & 0xff) as usize] ^ (crc >> 8);
    }
    crc ^ 0xffff_ffff
}

/// Adler-32 (RFC 1950).
fn adler32(data: &[u8]) -> u32 {
    const MOD: u32 = 65_521;
    // 5552 bytes is the most that can be summed before the u32 sums may overflow.
    let (mut a, mut b) = (1u32, 0u32);
    for block in data.chunks(5552) {
        for &byte in block {
            a += u32::from(byte);
            b += a;
        }
        a %= MOD;
        b %= MOD;
    }
    (b << 16) | a
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(png_bytes: &[u8]) -> (png::OutputInfo, Vec<u8>) {
        let decoder = png::Decoder::new(png_bytes);
        let mut reader = decoder.read_info().expect("png header");
        let mut buf = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buf).expect("png frame");
        buf.truncate(info.buffer_size());
        (info, buf)
    }

    #[test]
    fn crc_and_adler_known_values() {
        assert_eq!(crc32(b""), 0);
        assert_eq!(crc32(b"123456789"), 0xcbf4_3926);
        assert_eq!(crc32(b"IEND"), 0xae42_6082);
        assert_eq!(adler32(b""), 1);
        assert_eq!(adler32(b"Wikipedia"), 0x11e6_0398);
        let big = vec![0xffu8; 100_000];
        // Reference computed with the slow definition.
        let (mut a, mut b) = (1u64, 0u64);
        for &x in &big {
            a = (a + u64::from(x)) % 65_521;
            b = (b + a) % 65_521;
        }
        assert_eq!(u64::from(adler32(&big)), (b << 16) | a);
    }

    #[test]
    fn png_pixels_match_the_qr_matrix() {
        let text = "otpauth://totp/my-device@123456789012?secret=\
                    JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
        let png_bytes = qr_png(text).expect("qr");
        let code = QrCode::new(text.as_bytes()).expect("qr");
        let modules = code.width();
        let side = (modules + 2 * QUIET_ZONE_MODULES) * PIXELS_PER_MODULE;

        let (info, pixels) = decode(&png_bytes);
        assert_eq!(info.width as usize, side);
        assert_eq!(info.height as usize, side);
        assert_eq!(info.color_type, png::ColorType::Grayscale);
        assert_eq!(info.bit_depth, png::BitDepth::Eight);
        assert_eq!(pixels.len(), side * side);

        for y in 0..side {
            for x in 0..side {
                let (mx, my) = (x / PIXELS_PER_MODULE, y / PIXELS_PER_MODULE);
                let inside = (QUIET_ZONE_MODULES..QUIET_ZONE_MODULES + modules).contains(&mx)
                    && (QUIET_ZONE_MODULES..QUIET_ZONE_MODULES + modules).contains(&my);
                let dark = inside
                    && code[(mx - QUIET_ZONE_MODULES, my - QUIET_ZONE_MODULES)] == Color::Dark;
                let expected = if dark { BLACK } else { WHITE };
                assert_eq!(pixels[y * side + x], expected, "pixel ({x}, {y})");
            }
        }
        // The finder pattern's corner is dark just inside the quiet zone.
        let q = QUIET_ZONE_MODULES * PIXELS_PER_MODULE;
        assert_eq!(pixels[q * side + q], BLACK);
        assert_eq!(pixels[(q - 1) * side + (q - 1)], WHITE);
    }

    #[test]
    fn png_structure_and_chunk_crcs() {
        let png_bytes = qr_png("hello").expect("qr");
        assert_eq!(&png_bytes[..8], b"\x89PNG\r\n\x1a\n");
        let mut pos = 8;
        let mut kinds = Vec::new();
        while pos < png_bytes.len() {
            let len = u32::from_be_bytes(png_bytes[pos..pos + 4].try_into().expect("4")) as usize;
            let body = &png_bytes[pos + 4..pos + 8 + len];
            let crc = u32::from_be_bytes(
                png_bytes[pos + 8 + len..pos + 12 + len]
                    .try_into()
                    .expect("4"),
            );
            assert_eq!(crc32(body), crc);
            kinds.push(String::from_utf8(body[..4].to_vec()).expect("ascii"));
            pos += 12 + len;
        }
        assert_eq!(pos, png_bytes.len());
        assert_eq!(kinds, ["IHDR", "IDAT", "IEND"]);
        // The png crate checks CRCs and the zlib stream too.
        let (info, _) = decode(&png_bytes);
        assert_eq!(info.width, info.height);
    }

    #[test]
    fn zlib_stream_with_several_stored_blocks() {
        for len in [0usize, 1, 65_535, 65_536, 200_000] {
            let data: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
            let z = zlib_stored(&data);
            assert_eq!((u32::from(z[0]) * 256 + u32::from(z[1])) % 31, 0);
            let blocks = len.div_ceil(65_535).max(1);
            assert_eq!(z.len(), 2 + blocks * 5 + len + 4, "len {len}");
            // Walk the blocks back.
            let mut pos = 2;
            let mut out = Vec::new();
            loop {
                let header = z[pos];
                let n = u16::from_le_bytes([z[pos + 1], z[pos + 2]]);
                let nn = u16::from_le_bytes([z[pos + 3], z[pos + 4]]);
                assert_eq!(n, !nn);
                out.extend_from_slice(&z[pos + 5..pos + 5 + usize::from(n)]);
                pos += 5 + usize::from(n);
                if header & 1 == 1 {
                    break;
                }
            }
            assert_eq!(out, data);
            assert_eq!(&z[pos..], adler32(&data).to_be_bytes());
        }
    }

    #[test]
    fn large_image_spanning_several_blocks_decodes() {
        // Long text: a high QR version, so IDAT holds several stored blocks.
        let text = "A".repeat(1500);
        let png_bytes = qr_png(&text).expect("qr");
        let (info, pixels) = decode(&png_bytes);
        assert!(info.width > 200);
        assert!(pixels.iter().all(|&p| p == BLACK || p == WHITE));
    }

    #[test]
    fn too_long_text_is_an_error() {
        let err = qr_png(&"x".repeat(5000)).expect_err("too long");
        assert_eq!(err, QrError(qrcode::types::QrError::DataTooLong));
        assert!(err.to_string().contains("data too long"), "{err}");
    }
}
