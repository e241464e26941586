// Whether the window is phone-narrow, kept current as it is resized or rotated.
import { onBeforeUnmount, ref } from "vue";

export function useNarrow(query = "(max-width: 600px)") {
  const media = window.matchMedia(query);
  const narrow = ref(media.matches);
  const update = (event) => { narrow.value = event.matches; };
  media.addEventListener("change", update);
  onBeforeUnmount(() => media.removeEventListener("change", update));
  return narrow;
}
