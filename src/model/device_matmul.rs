//! cubek's matmul routines by name on the WebGPU backend (browser only), for measuring which one
//! suits an adapter: burn's `matmul` always takes cubek's automatic choice, which on an adapter
//! without matrix-multiply units (SwiftShader, the software adapter headless Chromium offers) is
//! the `SimpleUnit` routine. The bench kind `ops` with `"text": "routines"` times each routine
//! here on MiniLM's largest product against burn's own.

use burn::backend::backend_extension;
use burn::backend::tensor::FloatTensor;
use burn::tensor::Tensor;
use burn_cubecl::cubecl::frontend::Scalar;
use burn_cubecl::tensor::CubeTensor;
use burn_cubecl::CubeBackend;
use cubek::matmul::definition::{MatmulElems, MatmulGlobalElems};
use cubek::matmul::{multi_level, tiled, strategy::Strategy};
use cubek::std::InputBinding;

/// The routines offered, by name (the order [`routine`] numbers them in).
pub const ROUTINES: [&str; 11] = ["auto", "simple_unit", "double_unit", "simple_vecmat", "double_vecmat", "gemv_unit_perpendicular", "gemm", "naive", "cpu_gemm", "simple_cyclic_mma", "double_cyclic_mma"];

fn routine(i: u32) -> Strategy {
    use multi_level::Strategy as M;
    match i {
        1 => M::SimpleUnit(Default::default()).into(),
        2 => M::DoubleUnit(Default::default()).into(),
        3 => M::SimpleVecMat(Default::default()).into(),
        4 => M::DoubleVecMat(Default::default()).into(),
        5 => M::GemvUnitPerpendicular(Default::default()).into(),
        6 => M::Gemm(Default::default()).into(),
        7 => M::Naive.into(),
        8 => tiled::Strategy::CpuGemm(Default::default()).into(),
        9 => M::SimpleCyclicMma(Default::default()).into(),
        10 => M::DoubleCyclicMma(Default::default()).into(),
        _ => Strategy::Auto,
    }
}

/// A matmul with a chosen cubek routine.
#[backend_extension(Cube)]
pub trait MatmulRoutines: burn::backend::Backend {
    /// `lhs · rhs` (`[..., M, K] · [..., K, N]`, f32, batch dimensions broadcast) with routine
    /// `index` of [`ROUTINES`]. With `nan_first` the output is filled with NaN before the
    /// routine runs, so that a routine the adapter cannot run shows (a fresh buffer from the
    /// pool may hold an earlier product); the models pass `false`.
    fn matmul_routine(lhs: FloatTensor<Self>, rhs: FloatTensor<Self>, index: u32, nan_first: bool) -> FloatTensor<Self>;
}

impl MatmulRoutines for CubeBackend {
    fn matmul_routine(lhs: CubeTensor, rhs: CubeTensor, index: u32, nan_first: bool) -> CubeTensor {
        let out = burn_cubecl::kernel::matmul::init_matmul_output(&lhs, &rhs, lhs.dtype);
        let out = if nan_first { burn_cubecl::ops::numeric::full_client::<f32>(lhs.client.clone(), out.meta.shape().clone(), lhs.device.clone(), f32::NAN) } else { out };
        let f32_type = f32::elem_type_native();
        let mut dtypes = MatmulElems::from_globals(&MatmulGlobalElems { lhs: f32_type, rhs: f32_type, out: f32_type });
        let client = out.client.clone();
        let result = cubek::matmul::launch::launch_ref(&routine(index), &client, InputBinding::new(lhs.binding(), f32_type), InputBinding::new(rhs.binding(), f32_type), out.clone().binding(), &mut dtypes);
        if let Err(e) = result {
            web_sys::console::warn_1(&format!("matmul routine {}: {e:?}", ROUTINES.get(index as usize).unwrap_or(&"?")).into());
        }
        out
    }
}

thread_local! {
    /// The WebGPU device whose adapter is a CPU (set by the runtime when it sets such a device up).
    static CPU_ADAPTER: std::cell::RefCell<Option<burn::tensor::Device>> = const { std::cell::RefCell::new(None) };
}

/// Index of cubek's CPU-tuned tiled routine in [`ROUTINES`].
const CPU_GEMM: u32 = 8;

/// Tells the models that `device` (WebGPU) runs on an adapter that is a CPU, such as SwiftShader:
/// their matrix products there take cubek's CPU-tuned routine, measured (bench kind `ops`,
/// `"text": "routines"`) 3× faster than the automatic choice at `[128,384]·[384,1536]` and 4× at
/// SmolLM2's decode shape.
pub fn set_cpu_adapter(device: &burn::tensor::Device) {
    CPU_ADAPTER.with(|d| *d.borrow_mut() = Some(device.clone()));
}

/// The routine for products on `device` when it is not burn's automatic one (inference only:
/// the extension has no backward pass, so autodiff tensors keep burn's matmul).
pub fn routine_for(device: &burn::tensor::Device) -> Option<u32> {
    (!device.is_autodiff() && CPU_ADAPTER.with(|d| d.borrow().as_ref() == Some(device))).then_some(CPU_GEMM)
}

/// `lhs · rhs` of any rank (batch dimensions broadcast as in burn) with routine `index`.
pub fn matmul_routine_nd<const D: usize>(lhs: Tensor<D>, rhs: Tensor<D>, index: u32) -> Tensor<D> {
    Tensor::from_dispatch(<burn::backend::Dispatch as MatmulRoutines>::matmul_routine(lhs.into_dispatch(), rhs.into_dispatch(), index, false))
}

/// [`matmul_routine_nd`] with the output NaN-filled first (the bench's probe: a routine that
/// does not run on the adapter gives NaN, not a stale product).
pub fn matmul_routine_checked<const D: usize>(lhs: Tensor<D>, rhs: Tensor<D>, index: u32) -> Tensor<D> {
    Tensor::from_dispatch(<burn::backend::Dispatch as MatmulRoutines>::matmul_routine(lhs.into_dispatch(), rhs.into_dispatch(), index, true))
}
