/*
 * The bump allocator of the engine's WebAssembly kernels (the C files in engine/<folder>/wasm/): 16-byte aligned
 * blocks from the module's linear memory, grown as needed, never freed (an instance lives as long as
 * its run). Returns 0 where the memory cannot grow.
 */
extern unsigned char __heap_base;
static unsigned int heapTop = 0;

__attribute__((export_name("alloc"))) void *alloc(unsigned int bytes) {
  if (heapTop == 0) heapTop = (unsigned int)&__heap_base;
  heapTop = (heapTop + 15u) & ~15u;
  unsigned int start = heapTop;
  unsigned int end = start + bytes;
  if (end < start) return 0;
  unsigned int have = (unsigned int)__builtin_wasm_memory_size(0) * 65536u;
  if (end > have) {
    unsigned int pages = (end - have + 65535u) / 65536u;
    if (__builtin_wasm_memory_grow(0, pages) == (unsigned long)-1) return 0;
  }
  heapTop = end;
  return (void *)start;
}
