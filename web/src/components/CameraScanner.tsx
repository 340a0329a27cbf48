// A phone's or laptop's camera reading ticket QR codes with the browser's own BarcodeDetector
// (no library fetched at run time): offered only where the browser has it.
import { useEffect, useRef, useState } from "react";

type Detected = { rawValue: string };
type Detector = { detect: (source: HTMLVideoElement) => Promise<Detected[]> };
type DetectorClass = new (options: { formats: string[] }) => Detector;

const EVERY_MS = 400;
// A code held in front of the camera is read many times a second: one scan per code per pause.
const SAME_CODE_PAUSE_MS = 3000;

function detectorClass(): DetectorClass | undefined {
  return typeof window === "undefined" ? undefined : (window as unknown as { BarcodeDetector?: DetectorClass }).BarcodeDetector;
}

export default function CameraScanner({ onCode }: { onCode: (code: string) => void }) {
  const [supported, setSupported] = useState(false);
  const [on, setOn] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const video = useRef<HTMLVideoElement>(null);
  const latest = useRef(onCode);
  latest.current = onCode;

  useEffect(() => setSupported(!!detectorClass() && !!navigator.mediaDevices?.getUserMedia), []);

  useEffect(() => {
    const Detector = detectorClass();
    if (!on || !Detector) return;
    let stream: MediaStream | undefined;
    let timer: ReturnType<typeof setInterval> | undefined;
    let last = { code: "", at: 0 };
    const detector = new Detector({ formats: ["qr_code"] });
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then((media) => {
      stream = media;
      if (!video.current) return;
      video.current.srcObject = media;
      video.current.play().catch(() => undefined);
      timer = setInterval(async () => {
        if (!video.current || video.current.readyState < 2) return;
        const found = await detector.detect(video.current).catch(() => []);
        const code = found[0]?.rawValue;
        if (!code || (code === last.code && Date.now() - last.at < SAME_CODE_PAUSE_MS)) return;
        last = { code, at: Date.now() };
        latest.current(code);
      }, EVERY_MS);
    }, () => { setProblem("The camera could not be started. Allow this page to use it, or use the scanner input."); setOn(false); });
    return () => {
      if (timer) clearInterval(timer);
      stream?.getTracks().forEach((track) => track.stop());
    };
  }, [on]);

  if (!supported) return <p className="muted">This browser cannot read codes with the camera: use a USB scanner or type the code.</p>;
  return (
    <div className="camera">
      {problem && <p className="notice notice-error" role="alert">{problem}</p>}
      <button type="button" className="secondary" aria-pressed={on} onClick={() => { setProblem(null); setOn(!on); }}>
        {on ? "Stop the camera" : "Scan with the camera"}
      </button>
      {on && <video ref={video} muted playsInline aria-label="Camera view for scanning tickets" className="camera-view" />}
    </div>
  );
}
