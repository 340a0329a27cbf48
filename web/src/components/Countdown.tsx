// "Your seats are held for 9:41": ticks every second and calls onExpire once at 0:00.
import { useEffect, useRef, useState } from "react";
import { clockFace, secondsLeft } from "./countdown";

type Props = { expiresAt: string; skewMs?: number; onExpire?: () => void };

export default function Countdown({ expiresAt, skewMs = 0, onExpire }: Props) {
  const [left, setLeft] = useState(() => secondsLeft(expiresAt, Date.now(), skewMs));
  const expired = useRef(false);
  useEffect(() => {
    expired.current = false;
    const tick = () => {
      const seconds = secondsLeft(expiresAt, Date.now(), skewMs);
      setLeft(seconds);
      if (seconds === 0 && !expired.current) {
        expired.current = true;
        onExpire?.();
      }
    };
    tick();
    const timer = setInterval(tick, 1000);
    return () => clearInterval(timer);
  }, [expiresAt, skewMs, onExpire]);
  return (
    <p className="countdown" role="timer" aria-label={`Seats held for ${clockFace(left)}`} data-seconds-left={left}>
      Your seats are held for <strong>{clockFace(left)}</strong>
    </p>
  );
}
