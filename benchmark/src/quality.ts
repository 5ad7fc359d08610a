// Legibility figures of a decoded picture against its source, on luma (BT.601 weights).

/** PSNR in dB (99 for identical pictures). */
export function psnr(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) throw new Error(`pictures differ in size: ${a.length} and ${b.length} pixels`);
  let se = 0;
  for (let i = 0; i < a.length; i++) se += (a[i]! - b[i]!) ** 2;
  const mse = se / a.length;
  return mse === 0 ? 99 : 10 * Math.log10((255 * 255) / mse);
}

/** Mean SSIM over 8x8 windows (Wang et al. 2004 constants), in [-1, 1]; 1 for identical pictures. */
export function ssim(a: Uint8Array, b: Uint8Array, width: number, height: number): number {
  if (a.length !== width * height || b.length !== width * height) throw new Error('pictures differ in size');
  const c1 = (0.01 * 255) ** 2;
  const c2 = (0.03 * 255) ** 2;
  let sum = 0;
  let n = 0;
  for (let by = 0; by + 8 <= height; by += 8) {
    for (let bx = 0; bx + 8 <= width; bx += 8) {
      let sa = 0;
      let sb = 0;
      let saa = 0;
      let sbb = 0;
      let sab = 0;
      for (let y = by; y < by + 8; y++) {
        for (let x = bx; x < bx + 8; x++) {
          const va = a[y * width + x]!;
          const vb = b[y * width + x]!;
          sa += va;
          sb += vb;
          saa += va * va;
          sbb += vb * vb;
          sab += va * vb;
        }
      }
      const ma = sa / 64;
      const mb = sb / 64;
      const va = (saa - 64 * ma * ma) / 63;
      const vb = (sbb - 64 * mb * mb) / 63;
      const cov = (sab - 64 * ma * mb) / 63;
      sum += ((2 * ma * mb + c1) * (2 * cov + c2)) / ((ma * ma + mb * mb + c1) * (va + vb + c2));
      n++;
    }
  }
  return sum / n;
}

export interface QualityFigure {
  atSeconds: number;
  label: string;
  psnrDb: number;
  ssim: number;
}

export function qualityOf(s: {
  atSeconds: number;
  label: string;
  width: number;
  height: number;
  source: Uint8Array;
  decoded: Uint8Array;
}): QualityFigure {
  return {
    atSeconds: s.atSeconds,
    label: s.label,
    psnrDb: Math.round(psnr(s.source, s.decoded) * 100) / 100,
    ssim: Math.round(ssim(s.source, s.decoded, s.width, s.height) * 10000) / 10000,
  };
}
