#!/usr/bin/env bash
# Synthesizes the demo recording of the ferry story (`server seed-demo`): 老周's narration read by
# espeak-ng's Mandarin voice — synthesized speech, not a resident's voice, as its summary says —
# and writes, next to it, its time-coded transcript (simple form) and index, timed from the
# sentences' measured lengths. Then checks the times against the audio: every pause between
# sentences that ffmpeg's silencedetect finds must end where a cue starts.
# Needs espeak-ng and ffmpeg (`apt-get install espeak-ng ffmpeg`). Run from anywhere:
#   ./server/demo/voice.sh
set -euo pipefail
cd "$(dirname "$0")"

NAME=ferry-voice
SPEAKER=老周
# One cue per sentence, in the project's own words (not the story text read aloud).
SENTENCES=(
  "我是老周，年轻时在江边的渡船上当轮机员。"
  "二零一二年，过江只能坐船，头班船总是挤得满满的。"
  "一到大雾天，船就停开，对岸工厂的人都要迟到。"
  "后来江底修了隧道，二零二二年地铁通车，四分钟就过了江。"
  "老渡口改成了小公园，卖船票的小窗口还留着。"
)
# The index: a segment starts at a sentence (counted from 1), then its title, keywords, summary.
INDEX=(
  "1|在渡船上工作的年月|渡船，轮机员，头班船|老周讲二〇一二年前后过江只能坐船的日子。"
  "3|雾天停航|大雾，停航，迟到|大雾一来船就停开，对岸工厂的工人迟到。"
  "4|隧道通车以后|隧道，地铁，小公园|地铁通车，渡口改成小公园，售票窗口留了下来。"
)
LEAD_IN=0.5   # seconds of room tone before the first word
GAP=0.35      # added to the pause espeak-ng leaves after each sentence
RATE=205      # words per minute
VOLUME=-12dB  # a phone held at arm's length: normalisation has work to do

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
ff() { ffmpeg -nostdin -hide_banner -loglevel error -y "$@"; }
seconds() { ffprobe -v error -show_entries format=duration -of csv=p=0 "$1"; }
# m:ss.mmm for a number of seconds.
clock() { awk -v s="$1" 'BEGIN { ms = int(s * 1000 + 0.5); printf "%d:%02d.%03d", int(ms / 60000), int(ms / 1000) % 60, ms % 1000 }'; }

# Each sentence, then the pieces: lead-in, sentence, gap, sentence, gap, …
ff -f lavfi -i "anullsrc=r=22050:cl=mono" -t "$LEAD_IN" "$work/lead.wav"
ff -f lavfi -i "anullsrc=r=22050:cl=mono" -t "$GAP" "$work/gap.wav"
starts=()
at="$LEAD_IN"
: >"$work/list.txt"
echo "file 'lead.wav'" >>"$work/list.txt"
for i in "${!SENTENCES[@]}"; do
  espeak-ng -v cmn -s "$RATE" -w "$work/s$i.wav" "${SENTENCES[$i]}"
  starts+=("$at")
  at=$(awk -v a="$at" -v d="$(seconds "$work/s$i.wav")" -v g="$GAP" 'BEGIN { print a + d + g }')
  printf "file 's%d.wav'\nfile 'gap.wav'\n" "$i" >>"$work/list.txt"
done
ff -f concat -safe 0 -i "$work/list.txt" -c:a pcm_s16le "$work/voice.wav"

# Quieter, with faint pink room noise, encoded as Chrome's recorder would (Opus, 48 kHz mono) in
# Ogg, which declares its length.
ff -i "$work/voice.wav" -f lavfi -i "anoisesrc=c=pink:a=0.002:r=22050:seed=14" \
  -filter_complex "[0:a]volume=$VOLUME[v];[v][1:a]amix=inputs=2:duration=first:normalize=0" \
  -ac 1 -ar 48000 -c:a libopus -b:a 24k -map_metadata -1 -fflags +bitexact "$work/$NAME.ogg"
mv "$work/$NAME.ogg" "$NAME.ogg"

{
  for i in "${!SENTENCES[@]}"; do
    speaker=""
    [ "$i" -eq 0 ] && speaker=" $SPEAKER"
    printf "[%s%s] %s\n" "$(clock "${starts[$i]}")" "$speaker" "${SENTENCES[$i]}"
  done
} >"$NAME.transcript.txt"
{
  first=1
  for entry in "${INDEX[@]}"; do
    IFS='|' read -r sentence title keywords summary <<<"$entry"
    [ "$first" -eq 1 ] || echo
    first=0
    printf "%s %s\n关键词：%s\n%s\n" "$(clock "${starts[$((sentence - 1))]}")" "$title" "$keywords" "$summary"
  done
} >"$NAME.index.txt"

# The check: the pauses between sentences (longer than any pause inside one) end at cue starts
# (the silence after the last sentence ends with the file, and is left out).
length="$(seconds "$NAME.ogg")"
mapfile -t onsets < <(ffmpeg -nostdin -hide_banner -i "$NAME.ogg" -af silencedetect=n=-40dB:d=0.45 -f null - 2>&1 |
  sed -n 's/.*silence_end: \([0-9.]*\).*/\1/p' | awk -v end="$length" '$1 < end - 0.1')
if [ "${#onsets[@]}" -ne "${#starts[@]}" ]; then
  echo "expected ${#starts[@]} pauses ending at a sentence, found ${#onsets[@]}: ${onsets[*]}" >&2
  exit 1
fi
for i in "${!starts[@]}"; do
  awk -v a="${starts[$i]}" -v b="${onsets[$i]}" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= 0.15) }' || {
    echo "cue $((i + 1)) starts at ${starts[$i]} s, but the speech starts at ${onsets[$i]} s" >&2
    exit 1
  }
done
printf '%s.ogg  %s bytes, %s s; cues at %s s (speech found at %s s)\n' "$NAME" "$(stat -c %s "$NAME.ogg")" \
  "$length" "${starts[*]}" "${onsets[*]}"
