//! The models' linear layers: burn's everywhere, except on a WebGPU adapter that is a CPU
//! (SwiftShader: what a machine without a GPU offers), where the product takes cubek's
//! CPU-tuned tiled routine (see `device_matmul`, browser only). Same numbers either way (the
//! browser golden tests run on that adapter).

use burn::nn::Linear;
use burn::tensor::Tensor;

/// `x · w` for `x` `[M, K]` and `w` `[K, N]` → `[M, N]`, with the adapter's routine (see the
/// module doc).
pub fn matmul(x: Tensor<2>, w: Tensor<2>) -> Tensor<2> {
    #[cfg(target_arch = "wasm32")]
    if let Some(routine) = super::device_matmul::routine_for(&x.device()) {
        return super::device_matmul::matmul_routine_nd(x, w, routine);
    }
    x.matmul(w)
}

/// `linear.forward(x)`: `x · W + b` over the last dimension, `[..., in] → [..., out]`.
pub fn linear<const D: usize>(linear: &Linear, x: Tensor<D>) -> Tensor<D> {
    #[cfg(target_arch = "wasm32")]
    if super::device_matmul::routine_for(&x.device()).is_some() {
        let dims = x.dims();
        let w = linear.weight.val(); // [in, out]
        let [d_in, d_out] = w.dims();
        let rows = dims[..D - 1].iter().product::<usize>();
        let y = matmul(x.reshape([rows, d_in]), w); // [rows, out]
        let y = match &linear.bias {
            Some(b) => y + b.val().unsqueeze::<2>(),
            None => y,
        };
        let mut out = dims;
        out[D - 1] = d_out;
        return y.reshape(out);
    }
    linear.forward(x)
}
