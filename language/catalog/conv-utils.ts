// Keras's conv_utils, exactly: how long a spatial axis is after a convolution or pooling window
// (conv_output_length) and after a transposed convolution (deconv_output_length).
// None (null) stays None, as in Keras.

export type ConvPadding = 'valid' | 'same' | 'causal' | 'full';

/** The kernel's reach once dilated: k + (k - 1)(d - 1). */
export function dilatedKernel(kernel: number, dilation = 1): number {
  return kernel + (kernel - 1) * (dilation - 1);
}

/**
 * conv_output_length(input_length, filter_size, padding, stride, dilation):
 * 'same' and 'causal' keep the length, 'valid' loses the dilated kernel minus one, 'full' gains it;
 * then the stride divides, rounding up. May return 0 or less: callers report that.
 */
export function convOutputLength(
  inputLength: number | null,
  kernel: number,
  padding: ConvPadding,
  stride: number,
  dilation = 1,
): number | null {
  if (inputLength === null) return null;
  const k = dilatedKernel(kernel, dilation);
  let length: number;
  if (padding === 'same' || padding === 'causal') length = inputLength;
  else if (padding === 'valid') length = inputLength - k + 1;
  else length = inputLength + k - 1;
  return Math.floor((length + stride - 1) / stride);
}

/**
 * deconv_output_length(input_length, filter_size, padding, output_padding, stride, dilation):
 * the length a transposed convolution produces.
 */
export function deconvOutputLength(
  inputLength: number | null,
  kernel: number,
  padding: ConvPadding,
  outputPadding: number | null,
  stride: number,
  dilation = 1,
): number | null {
  if (inputLength === null) return null;
  const k = dilatedKernel(kernel, dilation);
  if (outputPadding === null) {
    if (padding === 'valid') return inputLength * stride + Math.max(k - stride, 0);
    if (padding === 'full') return inputLength * stride - (stride + k - 2);
    return inputLength * stride; // 'same'
  }
  const pad = padding === 'same' ? Math.floor(k / 2) : padding === 'valid' ? 0 : k - 1;
  return (inputLength - 1) * stride + k - 2 * pad + outputPadding;
}
